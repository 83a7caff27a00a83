import { describe, expect, it } from 'vitest';
import { chooseBackend, dtypeCandidates, type WebGPUProbe } from './backend.ts';

const hardware: WebGPUProbe = { available: true, fallbackAdapter: false, shaderF16: true, description: 'gpu' };
const hardwareNoF16: WebGPUProbe = { ...hardware, shaderF16: false };
const software: WebGPUProbe = { available: true, fallbackAdapter: true, shaderF16: false, description: 'SwiftShader' };
const none: WebGPUProbe = { available: false, reason: 'no GPU adapter was found' };

describe('chooseBackend', () => {
  it('auto picks WebGPU on a hardware adapter, the 8-bit files first, then fp16 where it has shader-f16, then fp32', () => {
    expect(chooseBackend('auto', null, hardware)).toEqual({
      device: 'webgpu',
      dtypes: ['q8', 'fp16', 'fp32'],
      fallbackReason: null,
    });
    expect(chooseBackend('auto', null, hardwareNoF16).dtypes).toEqual(['q8', 'fp32']);
  });

  it('auto never picks a software adapter, and says nothing when WebGPU is missing', () => {
    expect(chooseBackend('auto', null, software)).toEqual({
      device: 'wasm',
      dtypes: ['q8', 'fp32'],
      fallbackReason: null,
    });
    expect(chooseBackend('auto', null, none)).toEqual({ device: 'wasm', dtypes: ['q8', 'fp32'], fallbackReason: null });
  });

  it('webgpu forces WebGPU even on a software adapter, and explains a fallback when there is none', () => {
    expect(chooseBackend('webgpu', null, software).device).toBe('webgpu');
    expect(chooseBackend('webgpu', null, none)).toEqual({
      device: 'wasm',
      dtypes: ['q8', 'fp32'],
      fallbackReason: 'no GPU adapter was found',
    });
  });

  it('wasm and an explicit precision are taken as asked', () => {
    expect(chooseBackend('wasm', null, hardware)).toMatchObject({ device: 'wasm', dtypes: ['q8', 'fp32'] });
    expect(chooseBackend('auto', 'fp32', hardware)).toMatchObject({ device: 'webgpu', dtypes: ['fp32'] });
  });

  it('has a precision table per device', () => {
    expect(dtypeCandidates('wasm', true)).toEqual(['q8', 'fp32']);
    expect(dtypeCandidates('webgpu', false)).toEqual(['q8', 'fp32']);
    expect(dtypeCandidates('webgpu', true)).toEqual(['q8', 'fp16', 'fp32']);
  });
});
