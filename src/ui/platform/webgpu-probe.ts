/** What this browser's WebGPU offers, found out once per page: an adapter, a device, shader-f16. */
import type { WebGPUProbe } from '../../shared/backend.ts';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function probeWebGPU(): Promise<WebGPUProbe> {
  if (!('gpu' in navigator) || !navigator.gpu) return { available: false, reason: 'this browser has no WebGPU' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { available: false, reason: `no GPU adapter (${describe(error)})` };
  }
  if (!adapter) return { available: false, reason: 'no GPU adapter was found' };
  try {
    // A device is created and let go at once: an adapter alone does not prove the GPU can be used.
    const device = await adapter.requestDevice();
    device.destroy();
  } catch (error) {
    return { available: false, reason: `the GPU device could not be created (${describe(error)})` };
  }
  const info = adapter.info;
  // Older browsers had isFallbackAdapter on the adapter itself.
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return {
    available: true,
    fallbackAdapter: info?.isFallbackAdapter ?? legacy ?? false,
    shaderF16: adapter.features.has('shader-f16'),
    description: [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'GPU',
  };
}

let probing: Promise<WebGPUProbe> | null = null;

/** The page's one probe (creating devices is not free). */
export function webGPUProbe(): Promise<WebGPUProbe> {
  probing ??= probeWebGPU().catch((error: unknown) => ({ available: false, reason: describe(error) }) as const);
  return probing;
}
