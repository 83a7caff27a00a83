/** The `find-duplicates` request: the library's duplicate groups for a cutoff, from stored data only. */
import type { WorkerReply, WorkerRequest } from '../../shared/protocol.ts';
import type { Library } from '../library/library.ts';
import { duplicateGroups } from '../library/duplicates.ts';

export async function findDuplicates(
  { id, cutoff }: Extract<WorkerRequest, { type: 'find-duplicates' }>,
  library: Library,
  embeddings: () => Promise<ReadonlyMap<string, Float32Array>>,
  post: (reply: WorkerReply) => void,
): Promise<void> {
  await library.open();
  const stored = await embeddings();
  post({ type: 'duplicates', id, groups: duplicateGroups(library.all(), stored, cutoff) });
}
