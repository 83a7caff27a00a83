/**
 * Every setting a link carries, parsed from and written to a URL's query in one place: model,
 * host, device, dtype, threads, template, ensemble, mode, labels, lang (and `simulate`, for trying
 * the WebGPU fallback). Never the images.
 */
import { DEVICE_PREFERENCES, DTYPES, type DevicePreference, type RuntimeSettings } from './backend.ts';
import { DEFAULT_HOST, DEFAULT_MODEL_ID, isValidModelId, resolveHost } from './model-source.ts';
import { DEFAULT_TEMPLATE, templateTooLong, type PromptSettings } from './template.ts';
import { SIMULATED_FAILURES, type Dtype, type ModelSource, type Scoring, type SimulatedFailure } from './types.ts';

export type Language = 'en' | 'zh';

/** The cutoff slider's reach, in logits either way: beyond it every image is, or none is, a match. */
export const MAX_CUTOFF = 10;

export interface Settings {
  source: ModelSource;
  /** The host as typed, kept in the link (`/models` rather than this origin's absolute URL); '' for the default. */
  hostAsTyped: string;
  runtime: RuntimeSettings;
  prompt: PromptSettings;
  /** How a SigLIP model's scores are read, once the person chose; null: as the model is meant. */
  mode: Scoring | null;
  /** The labels as typed. */
  labels: string;
  /**
   * "No match" cutoff, in logits: an image whose best label leads a generic prompt by less than
   * this fits none of the labels. 0: the generic prompt wins ties.
   */
  cutoff: number;
  lang: Language | null;
  simulate: SimulatedFailure | null;
}

export interface SettingsProblem {
  kind: 'model' | 'host';
  value: string;
}

export interface ParsedSettings {
  settings: Settings;
  /** What was wrong with the link's model or host (defaults were used instead). */
  problems: SettingsProblem[];
}

function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return values.find((candidate) => candidate === value) ?? null;
}

export function parseSettings(params: URLSearchParams, origin: string): ParsedSettings {
  const problems: SettingsProblem[] = [];
  let modelId = params.get('model')?.trim() || DEFAULT_MODEL_ID;
  if (!isValidModelId(modelId)) {
    problems.push({ kind: 'model', value: modelId });
    modelId = DEFAULT_MODEL_ID;
  }
  const hostParam = params.get('host')?.trim() ?? '';
  let host = hostParam ? resolveHost(hostParam, origin) : DEFAULT_HOST;
  if (host === null) {
    problems.push({ kind: 'host', value: hostParam });
    host = DEFAULT_HOST;
  }
  const threads = Number(params.get('threads'));
  const cutoff = Number(params.get('cutoff') ?? 0);
  const template = params.get('template');
  const mode = params.get('mode');
  return {
    settings: {
      source: { modelId, host },
      hostAsTyped: host === DEFAULT_HOST ? '' : hostParam,
      runtime: {
        device: oneOf<DevicePreference>(DEVICE_PREFERENCES, params.get('device')) ?? 'auto',
        dtype: oneOf<Dtype>(DTYPES, params.get('dtype')),
        threads: Number.isInteger(threads) && threads >= 1 && threads <= 64 ? threads : null,
      },
      prompt: {
        template: template !== null && template.trim() !== '' ? template : DEFAULT_TEMPLATE,
        ensemble: params.get('ensemble') === '1',
      },
      mode: mode === 'one' ? 'softmax' : mode === 'any' ? 'sigmoid' : null,
      labels: params.get('labels') ?? '',
      cutoff: Number.isFinite(cutoff) ? Math.max(-MAX_CUTOFF, Math.min(MAX_CUTOFF, cutoff)) : 0,
      lang: oneOf<Language>(['en', 'zh'], params.get('lang')),
      simulate: oneOf(SIMULATED_FAILURES, params.get('simulate')),
    },
    problems,
  };
}

/**
 * The most label text a link (and the browser's storage) carries: a 1 MB paste in the address bar
 * held the page for 15 s (the browser's own IPC, each blob URL waiting behind it). Longer text is
 * used for this visit only, and the page says so.
 */
export const MAX_LINK_LABELS = 65_536;

/** The query a link needs to reproduce `settings`; defaults are left out. */
export function settingsParams(settings: Settings): URLSearchParams {
  const params = new URLSearchParams();
  const set = (name: string, value: string | null) => {
    if (value !== null) params.set(name, value);
  };
  const { source, runtime, prompt } = settings;
  set('model', source.modelId);
  set('host', source.host === DEFAULT_HOST ? null : settings.hostAsTyped || source.host);
  set('device', runtime.device === 'auto' ? null : runtime.device);
  set('dtype', runtime.dtype);
  set('threads', runtime.threads === null ? null : String(runtime.threads));
  // A template too long to be used is not carried either.
  set('template', prompt.template === DEFAULT_TEMPLATE || templateTooLong(prompt.template) ? null : prompt.template);
  set('ensemble', prompt.ensemble ? '1' : null);
  set('mode', settings.mode === null ? null : settings.mode === 'softmax' ? 'one' : 'any');
  set('labels', settings.labels.trim() === '' || settings.labels.length > MAX_LINK_LABELS ? null : settings.labels);
  set('cutoff', settings.cutoff === 0 ? null : String(settings.cutoff));
  set('lang', settings.lang);
  set('simulate', settings.simulate);
  return params;
}
