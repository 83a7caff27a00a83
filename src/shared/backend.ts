/**
 * Which backend and precision to run on, chosen from data: what the person asked for (`auto`,
 * `webgpu`, `wasm`, an explicit precision) and what the browser's GPU offers.
 */
import type { Device, Dtype } from './types.ts';

export type DevicePreference = 'auto' | Device;
export const DEVICE_PREFERENCES: readonly DevicePreference[] = ['auto', 'webgpu', 'wasm'];
export const DTYPES: readonly Dtype[] = ['fp32', 'fp16', 'q8'];

/** What the page found out about WebGPU. */
export type WebGPUProbe =
  | { available: false; reason: string }
  | {
      available: true;
      /** A software adapter (SwiftShader and the like): slower than WASM. */
      fallbackAdapter: boolean;
      shaderF16: boolean;
      description: string;
    };

export interface BackendChoice {
  device: Device;
  /** Precisions to try, best first; the first one whose files the model has is used. */
  dtypes: Dtype[];
  /** Why WebGPU was asked for but is not used (shown to the person). */
  fallbackReason: string | null;
}

/**
 * The per-device precision table. The 8-bit files come first everywhere: WASM runs them fastest,
 * and WebGPU runs them as float operations on weights dequantized when the session is created
 * (`src/worker/model/onnx/webgpu-graph.ts`), so a GPU visit downloads a quarter of the fp32 files. fp16
 * (which needs `shader-f16`) and fp32 follow, for models without 8-bit files.
 */
export function dtypeCandidates(device: Device, shaderF16: boolean): Dtype[] {
  if (device === 'wasm') return ['q8', 'fp32'];
  return shaderF16 ? ['q8', 'fp16', 'fp32'] : ['q8', 'fp32'];
}

export function chooseBackend(
  preference: DevicePreference,
  explicitDtype: Dtype | null,
  probe: WebGPUProbe,
): BackendChoice {
  const pick = (device: Device, shaderF16: boolean, fallbackReason: string | null): BackendChoice => ({
    device,
    dtypes: explicitDtype ? [explicitDtype] : dtypeCandidates(device, shaderF16),
    fallbackReason,
  });
  if (preference === 'wasm') return pick('wasm', false, null);
  if (!probe.available) return pick('wasm', false, preference === 'webgpu' ? probe.reason : null);
  // `auto` never picks a software adapter: WASM is faster than an emulated GPU.
  if (preference === 'auto' && probe.fallbackAdapter) return pick('wasm', false, null);
  return pick('webgpu', probe.shaderF16, null);
}

/**
 * ONNX Runtime Web's WASM build a worker runs: WebGPU needs the asyncify one (27 MB); the CPU runs
 * the plain one (14 MB), which starts sooner and passes as fast (docs/architecture.md). One per worker.
 */
export type RuntimeBuild = 'asyncify' | 'plain';

export function runtimeBuildFor(device: Device): RuntimeBuild {
  return device === 'webgpu' ? 'asyncify' : 'plain';
}

export interface RuntimeSettings {
  device: DevicePreference;
  dtype: Dtype | null;
  /** WASM threads; null lets the app choose. */
  threads: number | null;
}

export function backendName(device: Device): string {
  return device === 'webgpu' ? 'WebGPU' : 'WASM';
}
