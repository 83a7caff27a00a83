/**
 * WASM sessions read their weights as external data that is the downloaded file itself
 * (src/worker/model/onnx/onnx-wire.ts `externaliseInitializers`, used by src/worker/model/onnx/inference-session-factory.ts).
 * Checked outside the browser: onnxruntime-node loads the small graph beside a copy of the file
 * under the external data's name, and must give exactly the outputs of the file as downloaded.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { externaliseInitializers } from '../../src/worker/model/onnx/onnx-wire.ts';
import { expectSameValues } from '../helpers/same-values.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'external-weights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Inputs for any of the colour fixtures' graphs, by name. */
function feedsFor(session: ort.InferenceSession): Record<string, ort.Tensor> {
  const tokens = 7;
  // Ids inside every fixture's vocabulary (the smallest has 59 tokens).
  const ids = BigInt64Array.from([1n, 12n, 30n, 7n, 45n, 3n, 2n]);
  const all: Record<string, ort.Tensor> = {
    pixel_values: new ort.Tensor(
      'float32',
      Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37) * 1.7),
      [1, 3, 224, 224],
    ),
    input_ids: new ort.Tensor('int64', ids, [1, tokens]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(tokens).fill(1n), [1, tokens]),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(tokens), [1, tokens]),
  };
  return Object.fromEntries(session.inputNames.map((name) => [name, all[name]]));
}

async function outputs(session: ort.InferenceSession): Promise<Record<string, number[]>> {
  const result = await session.run(feedsFor(session));
  const out = Object.fromEntries(
    Object.entries(result).map(([name, tensor]) => [name, Array.from(tensor.data as Float32Array)]),
  );
  await session.release();
  return out;
}

describe('externaliseInitializers', () => {
  for (const file of [
    'clip-colors/onnx/vision_model_quantized.onnx',
    'clip-colors/onnx/text_model.onnx',
    'clip-colors-int8/onnx/model_quantized.onnx',
    'chinese-clip-colors/onnx/model_quantized.onnx',
  ]) {
    it(`${file}: the small graph with the file as its weights runs exactly as the file`, async () => {
      const bytes = new Uint8Array(readFileSync(join(FIXTURES, file)));
      const graph = externaliseInitializers(bytes, 'weights.bin', 256);
      expect(graph).not.toBeNull();
      // The weights moved out: the graph keeps under half of the file.
      expect(graph?.byteLength ?? Infinity).toBeLessThan(bytes.byteLength / 2);
      const name = file.replaceAll('/', '-');
      const sub = mkdtempSync(join(dir, `${name}-`));
      writeFileSync(join(sub, 'model.onnx'), graph ?? new Uint8Array());
      writeFileSync(join(sub, 'weights.bin'), bytes);
      const expected = await outputs(await ort.InferenceSession.create(bytes));
      const actual = await outputs(await ort.InferenceSession.create(join(sub, 'model.onnx')));
      expect(Object.keys(actual)).toEqual(Object.keys(expected));
      for (const key of Object.keys(expected)) expectSameValues(actual[key], expected[key], key);
    });
  }

  it('leaves a model alone when nothing is large enough to move, or when it already has external data', () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'clip-colors/onnx/vision_model.onnx')));
    expect(externaliseInitializers(bytes, 'weights.bin', bytes.byteLength)).toBeNull();
    const graph = externaliseInitializers(bytes, 'weights.bin', 256);
    expect(graph).not.toBeNull();
    expect(externaliseInitializers(graph ?? bytes, 'weights.bin', 256)).toBeNull();
  });
});
