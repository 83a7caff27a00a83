/**
 * The WebGPU rewrite of 8-bit graphs (src/worker/model/onnx/webgpu-graph.ts), checked on graphs in the shapes
 * ONNX Runtime's dynamic quantiser writes (as in the published `_quantized` files: uint8 weights
 * with a non-zero zero point, a DynamicQuantizeLinear shared by several MatMulIntegers, a per-channel
 * scale, a ConvInteger, a Gather over a uint8 table) and on the fixtures, by running the file as
 * downloaded and as rewritten on onnxruntime-node and comparing the outputs.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import type { onnx as OnnxNamespace } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { DataType, OnnxGraph } from '../../scripts/fixtures/onnx-graph.ts';
import { FOLD_DEQUANTIZE, rewriteForWebGpu } from '../../src/worker/model/onnx/webgpu-graph.ts';
import { expectSameValues } from '../helpers/same-values.ts';

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto') as { onnx: typeof OnnxNamespace };
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** A seeded uniform sequence in [-1, 1). */
function noise(seed: number, count: number): Float32Array {
  let a = seed;
  return Float32Array.from({ length: count }, () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2147483648 - 1;
  });
}

/** uint8 weights with a zero point, as ONNX Runtime's quantiser stores them (per tensor or per column). */
function quantiseUint8(values: Float32Array, columns: number, perColumn: boolean) {
  const groups = perColumn ? columns : 1;
  const scales = new Float32Array(groups);
  const zeros = new Uint8Array(groups);
  const q = new Uint8Array(values.length);
  for (let g = 0; g < groups; g++) {
    let lo = 0;
    let hi = 0;
    values.forEach((v, i) => {
      if (!perColumn || i % columns === g) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    });
    scales[g] = (hi - lo) / 255;
    zeros[g] = Math.round(-lo / scales[g]);
  }
  values.forEach((v, i) => {
    const g = perColumn ? i % columns : 0;
    q[i] = Math.max(0, Math.min(255, Math.round(v / scales[g]) + zeros[g]));
  });
  return { q, scales, zeros };
}

/**
 * x [1, 5, 8] → LayerNorm-free toy block: q/k/v-like projections sharing one DynamicQuantizeLinear
 * (one of them per-channel), a bias Add, a ConvInteger on a [1, 3, 8, 8] image, a Gather over a
 * uint8 table of token embeddings.
 */
function quantisedModel(): Uint8Array {
  const g = new OnnxGraph('quantised', 'fp32', 13);
  const x = g.input('x', DataType.FLOAT, [1, 5, 8]);
  const [xq, xScale, xZero] = g.opMulti('DynamicQuantizeLinear', [x], ['x_q', 'x_scale', 'x_zero']);
  const outputs: string[] = [];
  for (const [name, perColumn, seed] of [
    ['a', false, 1],
    ['b', false, 2],
    ['c', true, 3],
  ] as const) {
    const { q, scales, zeros } = quantiseUint8(noise(seed, 8 * 6), 6, perColumn);
    const w = g.constRaw(`${name}.weight_quantized`, DataType.UINT8, [8, 6], q);
    const dims = perColumn ? [6] : [];
    const wScale = g.constFloat(`${name}.weight_scale`, scales, dims);
    const wZero = g.constRaw(`${name}.weight_zero_point`, DataType.UINT8, dims, zeros);
    const product = g.op('MatMulInteger', [xq, w, xZero, wZero]);
    const asFloat = g.op('Cast', [product], { to: DataType.FLOAT });
    const scale = g.op('Mul', [xScale, wScale]);
    const y = g.op('Mul', [asFloat, scale]);
    outputs.push(g.op('Add', [y, g.constFloat(`${name}.bias`, noise(seed + 10, 6), [6])], {}, `out_${name}`));
  }
  const image = g.input('image', DataType.FLOAT, [1, 3, 8, 8]);
  const [iq, iScale, iZero] = g.opMulti('DynamicQuantizeLinear', [image], ['image_q', 'image_scale', 'image_zero']);
  const kernel = quantiseUint8(noise(7, 4 * 3 * 4 * 4), 1, false);
  const k = g.constRaw('patch.weight_quantized', DataType.UINT8, [4, 3, 4, 4], kernel.q);
  const kScale = g.constFloat('patch.weight_scale', kernel.scales, []);
  const kZero = g.constRaw('patch.weight_zero_point', DataType.UINT8, [], kernel.zeros);
  const conv = g.op('ConvInteger', [iq, k, iZero, kZero], { kernel_shape: [4, 4], strides: [4, 4] });
  const convScale = g.op('Mul', [iScale, kScale]);
  g.op('Mul', [g.op('Cast', [conv], { to: DataType.FLOAT }), convScale], {}, 'patches');
  const ids = g.input('ids', DataType.INT64, [1, 3]);
  const table = quantiseUint8(noise(9, 10 * 8), 1, false);
  g.constRaw('tokens_quantized', DataType.UINT8, [10, 8], table.q);
  g.constFloat('tokens_scale', table.scales, []);
  g.constRaw('tokens_zero_point', DataType.UINT8, [], table.zeros);
  const gathered = g.op('Gather', ['tokens_quantized', ids], { axis: 0 });
  g.op('DequantizeLinear', [gathered, 'tokens_scale', 'tokens_zero_point'], {}, 'tokens');
  for (const name of outputs) g.output(name, DataType.FLOAT, [1, 5, 6]);
  g.output('patches', DataType.FLOAT, [1, 4, 2, 2]);
  g.output('tokens', DataType.FLOAT, [1, 3, 8]);
  return g.toBytes();
}

function opCounts(bytes: Uint8Array): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of onnx.ModelProto.decode(bytes).graph?.node ?? []) {
    counts[node.opType ?? ''] = (counts[node.opType ?? ''] ?? 0) + 1;
  }
  return counts;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < a.length; i++) [d, x, y] = [d + a[i] * b[i], x + a[i] * a[i], y + b[i] * b[i]];
  return d / Math.sqrt(x * y);
}

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>, fold: boolean) {
  const session = await ort.InferenceSession.create(bytes, fold ? { extra: FOLD_DEQUANTIZE } : {});
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

describe('rewriteForWebGpu', () => {
  it('turns every integer operator group into float operations on dequantized weights', async () => {
    const model = quantisedModel();
    const rewritten = rewriteForWebGpu(model);
    expect(rewritten?.report).toMatchObject({ matMuls: 3, convs: 1, gathers: 1, leftOver: {} });
    const before = opCounts(model);
    const after = opCounts(rewritten?.bytes ?? model);
    expect(before).toMatchObject({ DynamicQuantizeLinear: 2, MatMulInteger: 3, ConvInteger: 1, Cast: 4 });
    for (const gone of ['DynamicQuantizeLinear', 'MatMulInteger', 'ConvInteger', 'Cast'])
      expect(after[gone]).toBeUndefined();
    expect(after).toMatchObject({ MatMul: 3, Conv: 1, Gather: 1, DequantizeLinear: 5, Add: 3 });
    // Valid ONNX: the rewritten graph keeps the inputs, outputs and initializers, and runs.
    const decoded = onnx.ModelProto.decode(rewritten?.bytes ?? model);
    expect(decoded.graph?.output?.map((o) => o.name)).toEqual(['out_a', 'out_b', 'out_c', 'patches', 'tokens']);

    const feeds = {
      x: new ort.Tensor('float32', noise(11, 40), [1, 5, 8]),
      image: new ort.Tensor('float32', noise(12, 192), [1, 3, 8, 8]),
      ids: new ort.Tensor('int64', BigInt64Array.from([3n, 0n, 9n]), [1, 3]),
    };
    const q8 = await run(model, feeds, false);
    const float = await run(rewritten?.bytes ?? model, feeds, true);
    for (const name of ['out_a', 'out_b', 'out_c', 'patches']) {
      // Float activations against 8-bit ones: close, not equal.
      expect(cosine(float[name].data as Float32Array, q8[name].data as Float32Array), name).toBeGreaterThan(0.999);
    }
    // The embedding rows are the dequantized table's rows, exactly.
    expectSameValues(float.tokens.data as Float32Array, q8.tokens.data as Float32Array, 'tokens');
  });

  it('leaves graphs without integer operators as they are (the colour fixtures dequantize their weights already)', () => {
    for (const file of ['clip-colors/onnx/vision_model_quantized.onnx', 'clip-colors/onnx/text_model_quantized.onnx']) {
      const bytes = new Uint8Array(readFileSync(`${FIXTURES}${file}`));
      const rewritten = rewriteForWebGpu(bytes);
      // The same bytes, to be created with DequantizeLinear folded.
      expect(rewritten?.bytes, file).toBe(bytes);
      expect(rewritten?.report, file).toMatchObject({ matMuls: 0, convs: 0, gathers: 0 });
    }
    expect(rewriteForWebGpu(new Uint8Array(readFileSync(`${FIXTURES}clip-colors/onnx/vision_model.onnx`)))).toBeNull();
  });

  it('rewrites the 8-bit-only colour fixture (quantised as ONNX Runtime does) completely', async () => {
    for (const [file, groups] of [
      ['vision_model_quantized.onnx', { matMuls: 1, convs: 1, gathers: 0 }],
      ['text_model_quantized.onnx', { matMuls: 1, convs: 0, gathers: 1 }],
      ['model_quantized.onnx', { matMuls: 2, convs: 1, gathers: 1 }],
    ] as const) {
      const bytes = new Uint8Array(readFileSync(`${FIXTURES}clip-colors-int8/onnx/${file}`));
      expect(rewriteForWebGpu(bytes)?.report, file).toMatchObject({ ...groups, leftOver: {} });
    }
    const bytes = new Uint8Array(readFileSync(`${FIXTURES}clip-colors-int8/onnx/vision_model_quantized.onnx`));
    const feeds = { pixel_values: new ort.Tensor('float32', noise(3, 3 * 224 * 224), [1, 3, 224, 224]) };
    const q8 = await run(bytes, feeds, false);
    const float = await run(rewriteForWebGpu(bytes)?.bytes ?? bytes, feeds, true);
    expect(cosine(float.image_embeds.data as Float32Array, q8.image_embeds.data as Float32Array)).toBeGreaterThan(
      0.999,
    );
  });

  const b32 = `${FIXTURES}clip-vit-b32-random/onnx/vision_model_quantized.onnx`;
  it.skipIf(!existsSync(b32))(
    'rewrites the ViT-B/32-shaped fixture completely, within cosine 0.999 of its 8-bit run',
    async () => {
      const model = new Uint8Array(readFileSync(b32));
      const rewritten = rewriteForWebGpu(model);
      expect(rewritten?.report).toMatchObject({ matMuls: 73, leftOver: {} });
      const feeds = { pixel_values: new ort.Tensor('float32', noise(5, 3 * 224 * 224), [1, 3, 224, 224]) };
      const q8 = await run(model, feeds, false);
      const float = await run(rewritten?.bytes ?? model, feeds, true);
      expect(cosine(float.image_embeds.data as Float32Array, q8.image_embeds.data as Float32Array)).toBeGreaterThan(
        0.999,
      );
    },
  );
});
