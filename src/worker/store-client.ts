/** The worker's calls to the page's model store, matched to answers by id. */
import type { StoreAnswer, StoreCall, WorkerReply } from '../shared/protocol.ts';

const waiting = new Map<number, (answer: StoreAnswer) => void>();
let nextCallId = 1;

export function callStore(post: (reply: WorkerReply) => void, call: StoreCall): Promise<StoreAnswer> {
  const id = nextCallId++;
  return new Promise<StoreAnswer>((resolve) => {
    waiting.set(id, resolve);
    post({ type: 'store-call', id, call });
  });
}

export function receiveStoreAnswer(id: number, answer: StoreAnswer): void {
  waiting.get(id)?.(answer);
  waiting.delete(id);
}
