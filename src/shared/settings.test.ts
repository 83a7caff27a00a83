import { describe, expect, it } from 'vitest';
import { MAX_LINK_LABELS, parseSettings, settingsParams } from './settings.ts';

const ORIGIN = 'http://localhost:4173';

describe('settings in a link', () => {
  it('reads every setting a link carries', () => {
    const { settings, problems } = parseSettings(
      new URLSearchParams(
        'model=fixtures/clip-colors&host=/models&device=webgpu&dtype=q8&threads=3&template=a+sketch+of+{}&ensemble=1&mode=one&labels=red,+blue&lang=zh&simulate=run-error',
      ),
      ORIGIN,
    );
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      source: { modelId: 'fixtures/clip-colors', host: 'http://localhost:4173/models' },
      hostAsTyped: '/models',
      runtime: { device: 'webgpu', dtype: 'q8', threads: 3 },
      prompt: { template: 'a sketch of {}', ensemble: true },
      mode: 'softmax',
      labels: 'red, blue',
      cutoff: 0,
      lang: 'zh',
      simulate: 'run-error',
    });
  });

  it('writes them back so that the same link comes out, leaving defaults out', () => {
    const query =
      'model=fixtures%2Fclip-colors&host=%2Fmodels&device=wasm&dtype=fp32&threads=2&template=a+sketch+of+%7B%7D&ensemble=1&mode=any&labels=red%2C+blue&cutoff=-1.5';
    const { settings } = parseSettings(new URLSearchParams(query), ORIGIN);
    expect(settingsParams(settings).toString()).toBe(query);
    const defaults = parseSettings(new URLSearchParams(''), ORIGIN).settings;
    expect(settingsParams(defaults).toString()).toBe('model=Xenova%2Fclip-vit-base-patch16');
  });

  it('ignores values it does not know, and names a bad model or host', () => {
    const { settings, problems } = parseSettings(
      new URLSearchParams('model=../../etc&host=javascript:alert(1)&device=cuda&dtype=int4&threads=0&mode=x&lang=fr'),
      ORIGIN,
    );
    expect(problems).toEqual([
      { kind: 'model', value: '../../etc' },
      { kind: 'host', value: 'javascript:alert(1)' },
    ]);
    expect(settings.source).toEqual({ modelId: 'Xenova/clip-vit-base-patch16', host: 'https://huggingface.co' });
    expect(settings.runtime).toEqual({ device: 'auto', dtype: null, threads: null });
    expect([settings.mode, settings.lang]).toEqual([null, null]);
  });

  it('never throws on a malformed percent-escape in a link', () => {
    const query = 'model=%E0%A4%A&host=%zz&labels=100%25%&template=%&threads=%31';
    expect(() => parseSettings(new URLSearchParams(query), ORIGIN)).not.toThrow();
    const { settings } = parseSettings(new URLSearchParams(query), ORIGIN);
    expect(settings.labels).toBe('100%%');
    expect(settings.runtime.threads).toBe(1);
  });

  it('leaves out of the link label text over its cap, and a template too long to use', () => {
    const { settings } = parseSettings(new URLSearchParams(), 'http://app');
    const fits = 'a'.repeat(MAX_LINK_LABELS);
    expect(settingsParams({ ...settings, labels: fits }).get('labels')).toBe(fits);
    expect(settingsParams({ ...settings, labels: `${fits}b` }).has('labels')).toBe(false);
    const prompt = { template: `a {} ${'x'.repeat(300)}`, ensemble: false };
    expect(settingsParams({ ...settings, prompt }).has('template')).toBe(false);
  });
});
