/**
 * React's view of the classifier session (tldraw's `useValue` pattern): components read a slice of
 * its snapshot through `useSyncExternalStore` and send it intents; they never schedule work.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ClassifierSession, SessionSnapshot } from '../session/classifier-session.ts';

export const SessionContext = createContext<ClassifierSession | null>(null);

export function useSession(): ClassifierSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a SessionContext provider.');
  return session;
}

/** One slice of the snapshot; `select` must return a part of it (not a new object), or React re-renders forever. */
export function useSessionValue<T>(select: (snapshot: SessionSnapshot) => T): T {
  const session = useSession();
  return useSyncExternalStore(session.subscribe, () => select(session.getSnapshot()));
}
