/** The reference page: forwards the benchmark's calls to the references worker (bench/reference/references.ts). */
import type { Method, References } from './references.ts';

const worker = new Worker(new URL('./references.ts', import.meta.url), { type: 'module' });
const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
let nextId = 1;

worker.addEventListener('message', (event: MessageEvent<{ id: number; value?: unknown; error?: string }>) => {
  const { id, value, error } = event.data;
  const call = waiting.get(id);
  waiting.delete(id);
  if (error === undefined) call?.resolve(value);
  else call?.reject(new Error(error));
});

function call(method: Method, args: unknown[]): Promise<unknown> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker.postMessage({ id, method, args });
  });
}

const harness = new Proxy({} as References, {
  get:
    (_, method: Method) =>
    (...args: unknown[]) =>
      call(method, args),
});

declare global {
  interface Window {
    harness: References;
  }
}
window.harness = harness;
document.title = 'harness ready';
