import { useEffect, useState } from 'react';
import type { SessionSnapshot } from '../session/classifier-session.ts';

/** How long the cards may keep the last labels' scores (dimmed, busy) while the new ones are computed. */
export const RELABEL_HOLD_MS = 1000;

/**
 * Whether the cards keep showing `shown` instead of `next`: the labels or template changed while
 * the pictures did not, new scores are on their way (a ready model, some labels), and no picture
 * has them yet. Re-rendering every
 * card as "pending" then would only compete with the text pass for the CPU, to be replaced by
 * the new scores a moment later.
 */
export function holdsForRelabel(shown: SessionSnapshot, next: SessionSnapshot): boolean {
  return (
    shown !== next &&
    shown.resultKey !== next.resultKey &&
    shown.images === next.images &&
    shown.progress.done > 0 &&
    next.progress.done === 0 &&
    next.model.phase === 'ready' &&
    next.labels.labels.length > 0
  );
}

/**
 * The snapshot the cards render: the live one, except for up to `holdMs` after new labels apply
 * (see `holdsForRelabel`), when it is the last one shown. The page marks the view busy meanwhile.
 */
export function useRelabelHold(snapshot: SessionSnapshot, holdMs = RELABEL_HOLD_MS): SessionSnapshot {
  const [shown, setShown] = useState(snapshot);
  const [expiredKey, setExpiredKey] = useState<string | null>(null);
  const holding = holdsForRelabel(shown, snapshot) && expiredKey !== snapshot.resultKey;
  // Adopting the live snapshot during render (React's pattern for state derived from props).
  if (!holding && shown !== snapshot) setShown(snapshot);
  const heldKey = holding ? snapshot.resultKey : null;
  useEffect(() => {
    if (heldKey === null) return;
    const timer = setTimeout(() => setExpiredKey(heldKey), holdMs);
    return () => clearTimeout(timer);
  }, [heldKey, holdMs]);
  return holding ? shown : snapshot;
}
