import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../shared/settings.ts';
import { mergeSettings, settingsToKeep } from './url-settings.ts';

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

  it('keeps a link’s host for later visits only once the person agreed to it', () => {
    const kept = new URLSearchParams('model=fixtures/clip-colors&host=/models');
    const { settings } = parseSettings(
      new URLSearchParams('model=x/y&host=http://192.168.1.9:8000&labels=red&lang=zh'),
      ORIGIN,
    );
    const before = settingsToKeep(settings, kept, false);
    expect(before.get('host')).toBe('/models');
    expect(before.get('model')).toBe('fixtures/clip-colors');
    expect(before.get('labels')).toBe('red');
    expect(before.has('lang')).toBe(false);
    expect(settingsToKeep(settings, new URLSearchParams(), false).has('host')).toBe(false);
    expect(settingsToKeep(settings, kept, true).get('host')).toBe('http://192.168.1.9:8000');
  });
});
