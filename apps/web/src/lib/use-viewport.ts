import { useEffect, useState } from 'react';

/** The window's inner size, kept current on resize: the wall sizes its drawings to the screen. */
const read = () => ({ width: globalThis.innerWidth ?? 1920, height: globalThis.innerHeight ?? 1080 });

export function useViewport(): { width: number; height: number } {
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    globalThis.addEventListener('resize', onResize);
    return () => globalThis.removeEventListener('resize', onResize);
  }, []);
  return size;
}
