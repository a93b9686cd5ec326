// A small preference kept in localStorage (the viewer's zone, theme, a collapsed panel), readable from
// React with useSyncExternalStore so every component sees one value. Storage may be missing or refuse
// (private windows, tests): the preference then lives for the page only.
import { useSyncExternalStore } from 'react';

export interface StoredPref<T extends string> {
  get(): T;
  set(value: T): void;
  subscribe(listener: () => void): () => void;
}

export function storedPref<T extends string>(key: string, values: readonly T[], fallback: T): StoredPref<T> {
  const listeners = new Set<() => void>();
  let value = read();

  function read(): T {
    try {
      const stored = globalThis.localStorage?.getItem(key);
      return values.find((v) => v === stored) ?? fallback;
    } catch {
      return fallback;
    }
  }

  return {
    get: () => value,
    set(next) {
      if (next === value) return;
      value = next;
      try {
        globalThis.localStorage?.setItem(key, next);
      } catch {
        // kept for this page only
      }
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function usePref<T extends string>(pref: StoredPref<T>): T {
  return useSyncExternalStore(pref.subscribe, pref.get, pref.get);
}
