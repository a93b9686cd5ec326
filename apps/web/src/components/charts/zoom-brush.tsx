// Drag across the time axis to zoom into that stretch; double-click it to go back to the live range. The
// selection is drawn while dragging; the window arithmetic is lib/zoom-window.ts.
import { type PointerEvent, type ReactNode, useRef, useState } from 'react';
import type { TimeScale } from '../../lib/time-scale';
import { zoomFromDrag } from '../../lib/zoom-window';

export interface ZoomBrushProps {
  scale: TimeScale;
  onZoom(window: { from: number; to: number }): void;
  onReset(): void;
  children: ReactNode;
}

export function ZoomBrush({ scale, onZoom, onReset, children }: ZoomBrushProps) {
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  const box = useRef<HTMLDivElement | null>(null);
  const xOf = (event: PointerEvent) => event.clientX - (box.current?.getBoundingClientRect().left ?? 0);

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a pointer gesture; keyboard users pick windows with keys 1–4/0 and the from/to form
    <div
      ref={box}
      className="zoom-brush"
      data-testid="zoom-brush"
      title="drag to zoom, double-click to reset"
      onPointerDown={(event) => {
        if (event.button !== 0) return;
        event.currentTarget.setPointerCapture(event.pointerId);
        const x = xOf(event);
        setDrag({ x0: x, x1: x });
      }}
      onPointerMove={(event) => {
        if (drag) setDrag({ ...drag, x1: xOf(event) });
      }}
      onPointerUp={(event) => {
        if (!drag) return;
        setDrag(null);
        const zoom = zoomFromDrag(scale, drag.x0, xOf(event));
        if (zoom) onZoom(zoom);
      }}
      onPointerCancel={() => setDrag(null)}
      onDoubleClick={onReset}
    >
      {children}
      {drag && Math.abs(drag.x1 - drag.x0) > 0 && (
        <div
          className="zoom-selection"
          style={{ left: Math.min(drag.x0, drag.x1), width: Math.abs(drag.x1 - drag.x0) }}
        />
      )}
    </div>
  );
}
