/**
 * The one hook the app component uses to classify: the session's snapshot and the session itself
 * (for intents). A thin adapter: the scheduling lives in `session/classifier-session.ts`.
 */
import type { ClassifierSession, SessionSnapshot } from '../session/classifier-session.ts';
import { useSession, useSessionValue } from './use-session.ts';

export type { DownloadItem, ImageResult, ModelState } from '../session/classifier-session.ts';

export function useClassifier(): { snapshot: SessionSnapshot; session: ClassifierSession } {
  return { snapshot: useSessionValue((snapshot) => snapshot), session: useSession() };
}
