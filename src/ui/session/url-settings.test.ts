import { describe, expect, it } from 'vitest';
import { mergeSettings } from './url-settings.ts';

const ORIGIN = 'http://localhost:4173';

describe('settings of a visit', () => {
  it('takes ?simulate= only in development and test builds', () => {
    const link = new URLSearchParams('device=webgpu&simulate=device-lost');
    expect(mergeSettings(new URLSearchParams(), link, ORIGIN, true).settings.simulate).toBe('device-lost');
    const production = mergeSettings(new URLSearchParams(), link, ORIGIN, false).settings;
    expect(production.simulate).toBeNull();
    expect(production.runtime.device).toBe('webgpu');
  });

  it('lets the link override what was kept, a model and its host together', () => {
    const kept = new URLSearchParams('model=a/b&host=https://mirror.example&labels=red');
    const { settings } = mergeSettings(kept, new URLSearchParams('model=c/d'), ORIGIN, false);
    expect(settings.source).toEqual({ modelId: 'c/d', host: 'https://huggingface.co' });
    expect(settings.labels).toBe('red');
  });
});
