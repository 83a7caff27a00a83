/**
 * How many threads ONNX Runtime's WASM backend gets. Inference runs in a worker while the page's
 * main thread stays nearly idle, so small machines use every core (ORT's own default is
 * ceil(cores / 2) capped at 4: a single thread on a 2-core machine); larger ones leave a core for
 * the page and image decoding, capped at 8, past which ViT-sized graphs gain little. Threads need
 * cross-origin isolation (SharedArrayBuffer); without it there is one.
 */
export function chooseThreadCount(cores: number, crossOriginIsolated: boolean): number {
  if (!crossOriginIsolated) return 1;
  const usable = cores <= 4 ? cores : cores - 1;
  return Math.max(1, Math.min(8, usable));
}

/**
 * The threads to run on: the number asked for (`?threads=`), never more than the machine's cores
 * (more threads than cores only contend), or the choice above when none was asked for.
 */
export function threadCount(requested: number | null, cores: number, crossOriginIsolated: boolean): number {
  if (!crossOriginIsolated) return 1;
  if (requested === null) return chooseThreadCount(cores, true);
  return Math.max(1, Math.min(Math.floor(requested), Math.max(1, cores)));
}
