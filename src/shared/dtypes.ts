/** Precisions and the file-name suffix transformers.js gives each (`onnx/{name}{suffix}.onnx`). */
import type { Dtype } from './types.ts';

export const DTYPE_SUFFIX: Record<Dtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized' };

export function onnxFile(name: string, dtype: Dtype): string {
  return `onnx/${name}${DTYPE_SUFFIX[dtype]}.onnx`;
}
