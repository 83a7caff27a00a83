/**
 * Chooses the backend from data (the person's setting and what WebGPU offers) and keeps the WASM
 * fallback once WebGPU has failed, with the reason to show.
 */
import { useCallback, useEffect, useState } from 'react';
import { chooseBackend, dtypeCandidates, type RuntimeSettings, type WebGPUProbe } from '../shared/backend.ts';
import type { Device, Dtype } from '../shared/protocol.ts';
import { webGPUProbe } from './webgpu-probe.ts';

export interface Backend {
  device: Device;
  dtypes: Dtype[];
  /** Why the person does not get the WebGPU they asked for, or that failed; null when nothing went wrong. */
  fallbackReason: string | null;
}

const NOT_PROBED: WebGPUProbe = { available: false, reason: 'WebGPU was not asked for' };

export function useBackend(settings: RuntimeSettings): {
  /** Null while WebGPU is being probed. */
  backend: Backend | null;
  /** WebGPU failed at some stage: from now on (for this setting) run on WASM. */
  fallBack(reason: string): void;
} {
  const wantsGpu = settings.device !== 'wasm';
  const [probe, setProbe] = useState<WebGPUProbe | null>(null);
  // Kept per setting: choosing WebGPU again in the settings tries it again.
  const [failure, setFailure] = useState<{ device: RuntimeSettings['device']; reason: string } | null>(null);

  useEffect(() => {
    if (!wantsGpu) return undefined;
    let live = true;
    void webGPUProbe().then((result) => live && setProbe(result));
    return () => {
      live = false;
    };
  }, [wantsGpu]);

  const fallBack = useCallback(
    (reason: string) => setFailure((current) => current ?? { device: settings.device, reason }),
    [settings.device],
  );

  let backend: Backend | null;
  if (failure && failure.device === settings.device) {
    backend = {
      device: 'wasm',
      dtypes: settings.dtype ? [settings.dtype] : dtypeCandidates('wasm', false),
      fallbackReason: failure.reason,
    };
  } else if (wantsGpu && probe === null) {
    backend = null;
  } else {
    backend = chooseBackend(settings.device, settings.dtype, wantsGpu && probe ? probe : NOT_PROBED);
  }
  return { backend, fallBack };
}
