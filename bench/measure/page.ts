/** The measurement page: runs each job in a fresh worker (bench/measure/run.ts drives it). */
import type { Job, JobResult } from './engine.worker.ts';

declare global {
  interface Window {
    measure(job: Job): Promise<JobResult>;
  }
}

window.measure = (job) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<{ ok: boolean; result?: JobResult; error?: string; log?: string[] }>) => {
      worker.terminate();
      if (event.data.ok && event.data.result) resolve(event.data.result);
      else reject(new Error(`${event.data.error}\n${(event.data.log ?? []).join('\n')}`));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message));
    };
    worker.postMessage(job);
  });
document.title = 'measure ready';
