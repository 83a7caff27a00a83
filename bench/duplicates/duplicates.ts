/**
 * Duplicate finding over synthetic CLIP-sized embeddings (512 floats): `duplicates_ms_10k`,
 * `duplicates_ms_100k`, and the recall at 10k of the sign-bit prefilter against exact all-pairs.
 * One in ten vectors is a near copy of another (a small nudge, as a resize or re-encode gives).
 * Run alone: `npx tsx bench/duplicates/duplicates.ts [--no-10k] [--no-100k]`; bench/run.ts merges them.
 */
import { duplicateGroups, exactPairs, prefilteredPairs, unitRows } from '../../src/worker/library/duplicates.ts';

const DIM = 512;
const CUTOFF = 0.95;

function syntheticLibrary(count: number, seed = 7) {
  let s = seed;
  // A fast deterministic Gaussian-ish sequence (sum of uniforms).
  const uniform = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const gauss = () => uniform() + uniform() + uniform();
  const embeddings = new Map<string, Float32Array>();
  const images: { id: string; contentHash: string }[] = [];
  for (let i = 0; i < count; i++) {
    const original = i % 10 === 9 ? embeddings.get(`h${i - 1}`) : undefined;
    const vector = new Float32Array(DIM);
    for (let k = 0; k < DIM; k++) vector[k] = original ? original[k] + 0.12 * gauss() * 0.58 : gauss();
    embeddings.set(`h${i}`, vector);
    images.push({ id: `i${i}`, contentHash: `h${i}` });
  }
  return { images, embeddings };
}

function timed<T>(work: () => T): [T, number] {
  const started = performance.now();
  const result = work();
  return [result, performance.now() - started];
}

export function duplicateFigures({ include10k = true, include100k = true } = {}): Record<string, number> {
  const figures: Record<string, number> = {};
  if (include10k) Object.assign(figures, tenThousand());
  if (include100k) {
    const large = syntheticLibrary(100_000);
    const [groups100k, duplicatesMs100k] = timed(() => duplicateGroups(large.images, large.embeddings, CUTOFF));
    figures.duplicates_ms_100k = duplicatesMs100k;
    figures.duplicates_groups_100k = groups100k.length;
  }
  return figures;
}

function tenThousand(): Record<string, number> {
  const small = syntheticLibrary(10_000);
  const [groups10k, duplicatesMs10k] = timed(() => duplicateGroups(small.images, small.embeddings, CUTOFF));
  const { rows, dim } = unitRows([...small.embeddings.values()]);
  const [exact, exactMs10k] = timed(() => exactPairs(rows, dim, CUTOFF));
  const found = new Set(prefilteredPairs(rows, dim, CUTOFF).map(([i, j]) => i * 1e6 + j));
  const recall = exact.length === 0 ? 1 : exact.filter(([i, j]) => found.has(i * 1e6 + j)).length / exact.length;
  return {
    duplicates_ms_10k: duplicatesMs10k,
    duplicates_groups_10k: groups10k.length,
    duplicates_exact_ms_10k: exactMs10k,
    duplicates_prefilter_recall_10k: recall,
  };
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(
    JSON.stringify(
      duplicateFigures({
        include10k: !process.argv.includes('--no-10k'),
        include100k: !process.argv.includes('--no-100k'),
      }),
    ),
  );
