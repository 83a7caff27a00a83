/** Test double for the classifier worker: records requests and lets a test reply (Node unit tests only). */
import type { WorkerReply, WorkerRequest } from '../../shared/protocol.ts';

export class FakeWorker extends EventTarget {
  readonly sent: WorkerRequest[] = [];
  terminated = false;
  /** Answers the heartbeat's pings, as a live worker does at once; false: a hung worker. */
  answerPings = true;

  postMessage(message: WorkerRequest): void {
    this.sent.push(message);
    if (message.type === 'ping' && this.answerPings) {
      queueMicrotask(() => this.reply({ type: 'pong', id: message.id }));
    }
  }

  reply(message: WorkerReply): void {
    this.dispatchEvent(new MessageEvent('message', { data: message }));
  }

  terminate(): void {
    this.terminated = true;
  }

  /** The requests of one type, in the order they were sent. */
  requests<T extends WorkerRequest['type']>(type: T): Extract<WorkerRequest, { type: T }>[] {
    return this.sent.filter((r): r is Extract<WorkerRequest, { type: T }> => r.type === type);
  }
}
