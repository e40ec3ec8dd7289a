import { createContext, useContext, useEffect, useRef } from 'react';
import type { RefObject } from 'react';
import { useStore } from 'zustand';
import type { ShellActions, ShellState, ShellStore } from './store';

export const StoreContext = createContext<ShellStore | null>(null);

export function useShell<T>(selector: (state: ShellState & ShellActions) => T): T {
  const store = useContext(StoreContext);
  if (store === null) throw new Error('The shell store is missing: render inside <StoreContext.Provider>.');
  return useStore(store, selector);
}

/**
 * Moves focus to the screen's heading when the screen appears (and when `stage` changes within
 * it, e.g. unlock hands over to the browser), so keyboard and screen-reader users start there
 * rather than on a button that has just disappeared.
 */
export function useFocusOnMount<T extends HTMLElement>(stage: string = ''): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [stage]);
  return ref;
}
