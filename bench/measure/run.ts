/**
 * Engine measurements in headless Chromium (not the benchmark: see bench/run.ts).
 *
 *   npx tsx bench/measure/run.ts placement   node placement of the ViT-B/32 fixture's 8-bit graph on WebGPU, before and after the rewrite
 *   npx tsx bench/measure/run.ts webgpu      8-bit (CPU fallback), rewritten 8-bit and fp32 graphs on WebGPU, one vision pass
 *   npx tsx bench/measure/run.ts threads     WASM q8 and fp32 vision passes at 1 and 2 threads (median of 5 after warm-up)
 *   npx tsx bench/measure/run.ts builds      the same on ONNX Runtime's asyncify build (WebGPU's) and its plain CPU build
 *   npx tsx bench/measure/run.ts text        one text pass of 8 and 77 tokens, q8 and fp32, 1 and 2 threads
 *   npx tsx bench/measure/run.ts spinning    q8 vision passes at 2 threads with ONNX Runtime's thread spinning on and off
 *   npx tsx bench/measure/run.ts memory      peak memory of one vision session with and without ONNX Runtime's arena and prepacking
 *
 * Needs `npm run fixtures -- --base`. MEASURE_PORT (default 4480), MEASURE_RUNS (default 5).
 */
import { chromium } from '@playwright/test';
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/chromium.ts';
import { ISOLATION_HEADERS, modelFixtures } from '../../scripts/model-server.ts';
import { busiestRenderer, peakResidentBytes, rendererCpu } from '../renderer-processes.ts';
import type { Job, JobResult } from './engine.worker.ts';

const port = Number(process.env.MEASURE_PORT ?? 4480);
const runs = Number(process.env.MEASURE_RUNS ?? 5);
const B32 = 'clip-vit-b32-random/onnx';
const VISION_GFLOP = 8.8;

const server = await createServer({
  configFile: false,
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [modelFixtures(fileURLToPath(new URL('../../fixtures', import.meta.url)))],
  // No HMR: editing a source file mid-run must not reload the page under measurement.
  server: { port, strictPort: true, headers: ISOLATION_HEADERS, hmr: false, watch: null },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  logLevel: 'warn',
});
await server.listen();
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const page = await browser.newPage();
await page.goto(`http://localhost:${port}/`);
await page.waitForFunction(() => document.title === 'measure ready');

const defaults: Job = {
  file: `${B32}/vision_model_quantized.onnx`,
  device: 'wasm',
  threads: 1,
  rewrite: false,
  verbose: false,
  runs,
  batch: 1,
};
async function measure(job: Partial<Job>): Promise<JobResult> {
  const full = { ...defaults, ...job };
  return page.evaluate((j) => window.measure(j), full);
}

function cosine(a: number[], b: number[]): number {
  let d = 0,
    x = 0,
    y = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    x += a[i] * a[i];
    y += b[i] * b[i];
  }
  return d / Math.sqrt(x * y);
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const out: Record<string, unknown> = { cores: cpus().length, loadBefore: loadavg()[0] };
const what = process.argv[2] ?? 'threads';
mkdirSync('.scratch', { recursive: true });
try {
  if (what === 'placement') {
    // ONNX Runtime's verbose log: "Node(s) placed on [Provider]. Number of nodes: n", then one "  OpType (name)" per node.
    for (const rewrite of [false, true]) {
      const r = await measure({ device: 'webgpu', rewrite, verbose: true, runs: 1 });
      const lines = r.placement.map((line) => line.replace(/^.*?\] /, ''));
      writeFileSync(`.scratch/placement-${rewrite ? 'rewritten' : 'downloaded'}.log`, lines.join('\n'));
      const counts: Record<string, Record<string, number>> = {};
      let provider = '';
      for (const line of lines) {
        const head = /(?:Node\(s\)|All nodes) placed on \[(\w+)\]. Number of nodes: (\d+)/.exec(line);
        if (head) {
          provider = head[1];
          counts[provider] ??= { total: Number(head[2]) };
          continue;
        }
        const node = /^\s+(\w+) \(/.exec(line);
        if (node && provider) counts[provider][node[1]] = (counts[provider][node[1]] ?? 0) + 1;
      }
      out[rewrite ? 'rewritten' : 'downloaded'] = {
        counts,
        createMs: round(r.createMs),
        rewriteMs: r.rewriteMs && round(r.rewriteMs),
        passMs: round(r.medianMs),
        notFound: lines.filter((l) => l.includes('kernel not found')).length,
      };
      console.log(rewrite ? 'rewritten' : 'downloaded', JSON.stringify(out[rewrite ? 'rewritten' : 'downloaded']));
    }
  } else if (what === 'webgpu') {
    const jobs: [string, Partial<Job>][] = [
      ['wasm q8 (reference)', { device: 'wasm', threads: 1 }],
      ['wasm fp32 (reference)', { device: 'wasm', threads: 1, file: `${B32}/vision_model.onnx` }],
      ['webgpu q8 as downloaded', { device: 'webgpu', runs: 2 }],
      ['webgpu q8 rewritten', { device: 'webgpu', rewrite: true, runs: 2 }],
      ['webgpu fp32', { device: 'webgpu', runs: 2, file: `${B32}/vision_model.onnx` }],
      [
        'wasm q8 text (reference)',
        { device: 'wasm', threads: 1, text: true, file: `${B32}/text_model_quantized.onnx` },
      ],
      [
        'webgpu q8 text rewritten',
        { device: 'webgpu', rewrite: true, text: true, runs: 3, file: `${B32}/text_model_quantized.onnx` },
      ],
    ];
    const results: Record<string, JobResult> = {};
    for (const [name, job] of jobs) {
      results[name] = await measure(job);
      const r = results[name];
      const reference = name.includes('text') ? results['wasm q8 text (reference)'] : results['wasm q8 (reference)'];
      console.log(
        `${name}: create ${round(r.createMs)} ms, rewrite ${r.rewriteMs === null ? '-' : round(r.rewriteMs)} ms, pass median ${round(r.medianMs)} ms [${r.times.map(round).join(', ')}], cos vs wasm q8 ${cosine(r.output, reference.output).toFixed(6)}`,
      );
      out[name] = {
        createMs: round(r.createMs),
        rewriteMs: r.rewriteMs && round(r.rewriteMs),
        medianMs: round(r.medianMs),
        times: r.times.map(round),
        cosVsWasmQ8: cosine(r.output, reference.output),
      };
    }
    out.fp32VsQ8Cosine = cosine(results['wasm fp32 (reference)'].output, results['wasm q8 (reference)'].output);
    out.rewrittenVsFp32Cosine = cosine(results['webgpu q8 rewritten'].output, results['wasm fp32 (reference)'].output);
  } else if (what === 'builds') {
    // ONNX Runtime's asyncify build (what WebGPU needs) against its plain CPU build, alternating.
    const configs: [string, Partial<Job>][] = [];
    for (const threads of [1, 2]) {
      for (const build of ['asyncify', 'plain'] as const) {
        configs.push([`q8 ${build} ${threads} thread(s)`, { threads, build }]);
        configs.push([`fp32 ${build} ${threads} thread(s)`, { threads, build, file: `${B32}/vision_model.onnx` }]);
      }
    }
    const rounds = Number(process.env.MEASURE_ROUNDS ?? 2);
    const medians: Record<string, { pass: number[]; create: number[] }> = {};
    for (let i = 0; i < rounds; i++) {
      for (const [name, job] of configs) {
        const r = await measure(job);
        const entry = (medians[name] ??= { pass: [], create: [] });
        entry.pass.push(round(r.medianMs));
        entry.create.push(round(r.createMs));
        console.log(`round ${i + 1} ${name}: median ${round(r.medianMs)} ms, create ${round(r.createMs)} ms`);
      }
    }
    for (const [name, { pass, create }] of Object.entries(medians)) {
      const best = Math.min(...pass);
      out[name] = { medians: pass, best, createMs: create, gflops: round(VISION_GFLOP / (best / 1000)) };
    }
  } else if (what === 'text') {
    // One short query (8 tokens, as a typed search) and a full context, q8 and fp32, 1 and 2 threads (plain build).
    const text = (file: string) => `${B32}/${file}`;
    for (const seq of [8, 77]) {
      for (const threads of [1, 2]) {
        for (const [dtype, file] of [
          ['q8', 'text_model_quantized.onnx'],
          ['fp32', 'text_model.onnx'],
        ] as const) {
          const r = await measure({ text: true, seq, threads, build: 'plain', file: text(file), runs: 9 });
          const name = `text ${dtype} ${seq} tokens ${threads} thread(s)`;
          out[name] = { medianMs: round(r.medianMs), times: r.times.map(round) };
          console.log(`${name}: median ${round(r.medianMs)} ms [${r.times.map(round).join(', ')}]`);
        }
      }
    }
  } else if (what === 'memory') {
    // Peak resident memory (VmHWM) of a fresh browser's busiest renderer after one vision session and its
    // passes, with ONNX Runtime's memory options; each configuration in its own browser.
    const configs: [string, Partial<Job>][] = [
      ['default', {}],
      ['no arena', { memArena: false }],
      ['no prepacking', { prepacking: false }],
      ['neither', { memArena: false, prepacking: false }],
      ['external data', { external: true }],
    ];
    const only = process.env.MEASURE_ONLY?.split(',');
    for (const [name, job] of configs.filter(([name]) => !only || only.includes(name))) {
      const fresh = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      const before = await rendererCpu(fresh);
      const tab = await fresh.newPage();
      await tab.goto(`http://localhost:${port}/`);
      await tab.waitForFunction(() => document.title === 'measure ready');
      const mb = (pid: number) => peakResidentBytes(pid) / 2 ** 20;
      // Each renderer's peak before the session: the page with ONNX Runtime's script loaded, no model.
      const bases = new Map([...(await rendererCpu(fresh)).keys()].map((pid) => [pid, mb(pid)]));
      const r = await tab.evaluate((j) => window.measure(j), {
        ...defaults,
        threads: 2,
        build: 'plain' as const,
        ...job,
      });
      const busiest = busiestRenderer(before, await rendererCpu(fresh));
      const peakMb = busiest === undefined ? Number.NaN : mb(busiest);
      const baseMb = (busiest !== undefined && bases.get(busiest)) || Number.NaN;
      out[name] = {
        peakMb: Math.round(peakMb),
        baseMb: Math.round(baseMb),
        createMs: round(r.createMs),
        passMs: round(r.medianMs),
      };
      console.log(
        `${name}: peak ${Math.round(peakMb)} MB (renderer before the session ${Math.round(baseMb)} MB), create ${round(r.createMs)} ms, pass ${round(r.medianMs)} ms`,
      );
      await fresh.close();
    }
  } else if (what === 'spinning') {
    // Alternating, so that a change in the machine's load hits both alike.
    for (let i = 0; i < 3; i++) {
      for (const spinning of [true, false]) {
        const cpu = async () => [...(await rendererCpu(browser)).values()].reduce((sum, time) => sum + time, 0);
        const [cpuBefore, wallBefore] = [await cpu(), performance.now()];
        const r = await measure({ threads: 2, build: 'plain', spinning });
        // Cores kept busy over the job (session creation, warm-up, passes): 2 when a spinning thread never rests.
        const cores = ((await cpu()) - cpuBefore) / ((performance.now() - wallBefore) / 1000);
        const name = `spinning ${spinning ? 'on' : 'off'}`;
        ((out[name] ??= []) as number[]).push(round(r.medianMs));
        console.log(
          `round ${i + 1} ${name}: median ${round(r.medianMs)} ms [${r.times.map(round).join(', ')}], ${cores.toFixed(2)} cores busy`,
        );
      }
    }
  } else if (what === 'threads') {
    // Alternating configurations, so that a change in the machine's load hits both alike.
    const configs: [string, Partial<Job>][] = [
      ['q8 1 thread', { threads: 1 }],
      ['q8 2 threads', { threads: 2 }],
      ['fp32 1 thread', { threads: 1, file: `${B32}/vision_model.onnx` }],
      ['fp32 2 threads', { threads: 2, file: `${B32}/vision_model.onnx` }],
    ];
    const rounds = Number(process.env.MEASURE_ROUNDS ?? 2);
    const medians: Record<string, number[]> = {};
    for (let i = 0; i < rounds; i++) {
      for (const [name, job] of configs) {
        const r = await measure(job);
        (medians[name] ??= []).push(round(r.medianMs));
        console.log(
          `round ${i + 1} ${name}: median ${round(r.medianMs)} ms [${r.times.map(round).join(', ')}] settled after ${r.settledAfter}, load ${loadavg()[0].toFixed(2)}`,
        );
      }
    }
    for (const [name, values] of Object.entries(medians)) {
      const best = Math.min(...values);
      out[name] = { medians: values, best, gflops: round(VISION_GFLOP / (best / 1000)) };
    }
  }
} finally {
  out.loadAfter = loadavg()[0];
  await browser.close();
  await server.close();
}
console.log(JSON.stringify(out));
