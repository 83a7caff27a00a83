/**
 * The classifier worker's User Timing, read from outside by the bench (the worker sends it nowhere):
 * each `vision pass` measure is the app's own session run for one batch of images.
 */
import type { Page, Worker } from '@playwright/test';

export interface VisionPass {
  duration: number;
  images: number;
}

/** The page's classifier worker (null before it has started). */
export function classifierWorker(page: Page): Worker | null {
  return page.workers().find((worker) => worker.url().includes('classifier.worker')) ?? null;
}

/** Keeps every `vision pass` from now on: the worker itself keeps only the newest of each name. */
export async function observeVisionPasses(page: Page): Promise<void> {
  const worker = classifierWorker(page);
  if (!worker) throw new Error('The classifier worker has not started: no vision pass can be read.');
  // No named functions inside: tsx's name helper does not exist in the worker.
  await worker.evaluate(() => {
    const kept: { duration: number; images: number }[] = [];
    (globalThis as unknown as { benchVisionPasses: typeof kept }).benchVisionPasses = kept;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntriesByName('vision pass')) {
        const detail = (entry as PerformanceMeasure).detail as { images?: number } | null;
        kept.push({ duration: entry.duration, images: detail?.images ?? Number.NaN });
      }
    }).observe({ type: 'measure' });
  });
}

/** The passes observed since the last call (and forgets them). */
export async function takeVisionPasses(page: Page): Promise<VisionPass[]> {
  const worker = classifierWorker(page);
  if (!worker) return [];
  return worker.evaluate(async () => {
    // Observer callbacks are queued tasks: let any still pending run first.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const kept = (globalThis as unknown as { benchVisionPasses?: { duration: number; images: number }[] })
      .benchVisionPasses;
    return kept ? kept.splice(0) : [];
  });
}

/** The median time per image over the passes of the commonest batch size, and that size. */
export function perImage(passes: VisionPass[]): { ms: number; batch: number } {
  const counts = new Map<number, number>();
  for (const pass of passes) counts.set(pass.images, (counts.get(pass.images) ?? 0) + 1);
  const [batch] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [Number.NaN];
  const times = passes
    .filter((pass) => pass.images === batch)
    .map((pass) => pass.duration / batch)
    .sort((a, b) => a - b);
  return { ms: times.length > 0 ? times[Math.floor(times.length / 2)] : Number.NaN, batch };
}
