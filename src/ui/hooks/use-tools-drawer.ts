/** The tools drawer's state, and the slot in it where the library's own tools render. */
import { createContext, useState, useSyncExternalStore } from 'react';

/** Where the drawer docks beside the photos instead of covering them. */
const WIDE = '(min-width: 1100px)';

function useWide(): boolean {
  return useSyncExternalStore(
    (listener) => {
      const query = window.matchMedia(WIDE);
      query.addEventListener('change', listener);
      return () => query.removeEventListener('change', listener);
    },
    () => window.matchMedia(WIDE).matches,
  );
}

/** The drawer's open state: open and docked on a wide screen, closed (an overlay when asked) below. */
export function useToolsDrawer(): { open: boolean; docked: boolean; setOpen(open: boolean): void } {
  const wide = useWide();
  const [open, setOpen] = useState(wide);
  const [was, setWas] = useState(wide);
  // Crossing the breakpoint resets the drawer to that width's default (set during render, not in an effect).
  if (was !== wide) {
    setWas(wide);
    setOpen(wide);
  }
  return { open, docked: wide, setOpen };
}

/** The element the library's own tools render into (a portal), so that they live in the drawer. */
export const ToolsSlotContext = createContext<HTMLElement | null>(null);
