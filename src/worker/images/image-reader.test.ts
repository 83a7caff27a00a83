import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReadReply, ReadRequest } from './image-reader-protocol.ts';
import { createImageReader } from './image-reader.ts';
import { ImageDecodeError } from '../model/model-errors.ts';
import type { ReadImage } from './read-image.ts';

/** A stand-in for the reader worker: records what it is sent; the test answers or crashes it. */
class FakeWorker extends EventTarget {
  static started: FakeWorker[] = [];
  sent: ReadRequest[] = [];
  terminated = false;
  constructor() {
    super();
    FakeWorker.started.push(this);
  }
  postMessage(message: ReadRequest) {
    this.sent.push(message);
  }
  terminate() {
    this.terminated = true;
  }
  reply(reply: ReadReply) {
    this.dispatchEvent(new MessageEvent('message', { data: reply }));
  }
  crash(message: string) {
    const event = new Event('error', { cancelable: true }) as Event & { message: string };
    event.message = message;
    this.dispatchEvent(event);
  }
}

const read = (hash: string): ReadImage => ({
  contentHash: hash,
  pixels: { data: new Uint8ClampedArray(4), width: 1, height: 1, channels: 4 },
  width: 1,
  height: 1,
  notes: [],
  thumbnail: new Blob(['t']),
  copy: null,
});

describe('createImageReader', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    FakeWorker.started = [];
  });

  it('sends every read at once to one reader and answers each by its id', async () => {
    vi.stubGlobal('Worker', FakeWorker);
    const reader = createImageReader(() => true);
    const first = reader(new Blob(['a']), { needsCopy: false });
    const second = reader(new Blob(['b']), { needsCopy: true });
    expect(FakeWorker.started).toHaveLength(1);
    const [worker] = FakeWorker.started;
    expect(worker.sent.map((m) => m.options.needsCopy)).toEqual([false, true]);
    // Replies may come in any order.
    worker.reply({ id: worker.sent[1].id, ok: true, read: read('b') });
    worker.reply({ id: worker.sent[0].id, ok: true, read: read('a') });
    expect((await first).contentHash).toBe('a');
    expect((await second).contentHash).toBe('b');
  });

  it("keeps a picture's own failure typed, and other failures plain", async () => {
    vi.stubGlobal('Worker', FakeWorker);
    const reader = createImageReader(() => true);
    const damaged = reader(new Blob(['x']), { needsCopy: false });
    const other = reader(new Blob(['y']), { needsCopy: false });
    const [worker] = FakeWorker.started;
    worker.reply({ id: worker.sent[0].id, ok: false, failure: { code: 'damaged', format: 'PNG' }, detail: 'bad' });
    worker.reply({ id: worker.sent[1].id, ok: false, failure: null, detail: 'no canvas' });
    const error = await damaged.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageDecodeError);
    expect((error as ImageDecodeError).failure).toEqual({ code: 'damaged', format: 'PNG' });
    await expect(other).rejects.toThrow('no canvas');
    await expect(other).rejects.not.toBeInstanceOf(ImageDecodeError);
  });

  it('reads in place where ONNX Runtime’s threads take every core', () => {
    vi.stubGlobal('Worker', FakeWorker);
    void createImageReader(() => false)(new Blob(['not an image']), { needsCopy: false }).catch(() => undefined);
    expect(FakeWorker.started).toHaveLength(0);
  });

  it('fails the reads of a reader that crashed, and starts a fresh one for the next read', async () => {
    vi.stubGlobal('Worker', FakeWorker);
    const reader = createImageReader(() => true);
    const pending = reader(new Blob(['a']), { needsCopy: false });
    const [crashed] = FakeWorker.started;
    crashed.crash('out of memory');
    await expect(pending).rejects.toThrow('the image reader stopped: out of memory');
    expect(crashed.terminated).toBe(true);
    const next = reader(new Blob(['b']), { needsCopy: false });
    expect(FakeWorker.started).toHaveLength(2);
    const fresh = FakeWorker.started[1];
    fresh.reply({ id: fresh.sent[0].id, ok: true, read: read('b') });
    expect((await next).contentHash).toBe('b');
  });
});
