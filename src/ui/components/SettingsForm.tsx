import { useId, useState, type FormEvent } from 'react';
import {
  DEVICE_PREFERENCES,
  DTYPES,
  dtypeCandidates,
  type DevicePreference,
  type RuntimeSettings,
} from '../../shared/backend.ts';
import { CATALOGUE, catalogueEntry, downloadSize, type CatalogueEntry } from '../../shared/catalogue.ts';
import { DEFAULT_HOST, isValidModelId, resolveHost } from '../../shared/model-source.ts';
import type { Dtype, ModelSource } from '../../shared/protocol.ts';

export interface SettingsChange {
  source: ModelSource;
  /** The host as typed (kept in the URL: `/models` rather than this origin's absolute URL). */
  hostAsTyped: string;
  runtime: RuntimeSettings;
}

interface Props {
  source: ModelSource;
  runtime: RuntimeSettings;
  /** Opened by the app when the host could not be reached, so the fix is in view. */
  open: boolean;
  /** Precisions the current backend tries, best first (sizes are shown for the one that will be used). */
  dtypes: Dtype[];
  onChange(change: SettingsChange): void;
  onImportFolder(files: File[]): void;
}

const OTHER_MODEL = '';

/** What the picker says of a model: its name, the download for the precision that will be used, its accuracy. */
function describeEntry(entry: CatalogueEntry, dtypes: Dtype[]): string {
  const size = downloadSize(entry, dtypes);
  const download = size ? `${size.mb.toLocaleString('en')} MB (${size.dtype})` : 'size unknown';
  const accuracy =
    entry.accuracy === null ? 'ImageNet accuracy not published' : `${entry.accuracy}% ImageNet zero-shot`;
  return `${entry.name} — ${download}, ${accuracy}`;
}

const DEVICE_LABELS: Record<DevicePreference, string> = {
  auto: 'Automatic (WebGPU on a real GPU, else WASM)',
  webgpu: 'WebGPU',
  wasm: 'WASM (CPU)',
};

export function SettingsForm({ source, runtime, open, dtypes, onChange, onImportFolder }: Props) {
  const [modelId, setModelId] = useState(source.modelId);
  const [host, setHost] = useState(source.host === DEFAULT_HOST ? '' : source.host);
  const [device, setDevice] = useState<DevicePreference>(runtime.device);
  const [dtype, setDtype] = useState<Dtype | ''>(runtime.dtype ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  // The precisions that will be tried with the choices in this form (the current backend's when unchanged).
  const plannedDtypes: Dtype[] =
    dtype !== ''
      ? [dtype]
      : device === runtime.device
        ? dtypes
        : dtypeCandidates(device === 'webgpu' ? 'webgpu' : 'wasm', false);
  const picked = catalogueEntry(modelId.trim());

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = modelId.trim();
    if (!isValidModelId(id)) {
      setProblem(`“${id}” is not a model id like “Xenova/clip-vit-base-patch32”.`);
      return;
    }
    const typedHost = host.trim();
    const resolved = typedHost === '' ? DEFAULT_HOST : resolveHost(typedHost, location.origin);
    if (resolved === null) {
      setProblem(`“${typedHost}” is not a web address (it should start with https:// or /).`);
      return;
    }
    setProblem(null);
    onChange({
      source: { modelId: id, host: resolved },
      hostAsTyped: typedHost,
      runtime: { ...runtime, device, dtype: dtype === '' ? null : dtype },
    });
  };

  return (
    <details className="settings" open={open || undefined}>
      <summary>Settings</summary>
      <form onSubmit={submit} noValidate>
        <label className="field-label" htmlFor={`${id}-model`}>
          Model catalogue
        </label>
        <select
          id={`${id}-model`}
          value={picked ? picked.id : OTHER_MODEL}
          aria-describedby={`${id}-model-note`}
          onChange={(e) => e.target.value !== OTHER_MODEL && setModelId(e.target.value)}
        >
          {CATALOGUE.map((entry) => (
            <option key={entry.id} value={entry.id}>
              {describeEntry(entry, plannedDtypes)}
            </option>
          ))}
          <option value={OTHER_MODEL}>Another model (type its id below)</option>
        </select>
        <p className="hint" id={`${id}-model-note`}>
          {picked
            ? `${picked.languages}. ${picked.note}`
            : 'Any CLIP, SigLIP or Chinese-CLIP model in transformers.js format (with an onnx/ folder) on the host.'}
        </p>
        <label>
          <span className="field-label">Model id</span>
          <input value={modelId} onChange={(e) => setModelId(e.target.value)} spellCheck={false} autoComplete="off" />
        </label>
        <label>
          <span className="field-label">Model host (mirror)</span>
          <input
            value={host}
            onChange={(e) => setHost(e.target.value)}
            placeholder={DEFAULT_HOST}
            spellCheck={false}
            autoComplete="url"
          />
        </label>
        <p className="hint">
          Files are fetched from <code>{'{host}/{model id}/resolve/main/…'}</code>; leave the host empty for the Hugging
          Face Hub.
        </p>
        <div className="settings-row">
          {/* Labels point at their selects (not wrap them): the option texts stay out of the names. */}
          <div>
            <label className="field-label" htmlFor={`${id}-device`}>
              Backend
            </label>
            <select id={`${id}-device`} value={device} onChange={(e) => setDevice(e.target.value as DevicePreference)}>
              {DEVICE_PREFERENCES.map((value) => (
                <option key={value} value={value}>
                  {DEVICE_LABELS[value]}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label className="field-label" htmlFor={`${id}-dtype`}>
              Precision
            </label>
            <select id={`${id}-dtype`} value={dtype} onChange={(e) => setDtype(e.target.value as Dtype | '')}>
              <option value="">Automatic (best for the backend)</option>
              {DTYPES.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          </div>
        </div>
        {problem && (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
        <button type="submit">Load model</button>
      </form>
      <div className="import-folder">
        <label className="button secondary">
          Import a model folder
          <input
            type="file"
            className="visually-hidden"
            // A directory picker: the folder's files arrive with their paths inside it.
            {...{ webkitdirectory: '' }}
            multiple
            onChange={(event) => {
              const files = [...(event.target.files ?? [])];
              event.target.value = '';
              if (files.length > 0) onImportFolder(files);
            }}
          />
        </label>
        <p className="hint">
          For machines without internet: pick a model’s folder (as downloaded from the Hub, with config.json and onnx/).
          It is copied into this browser’s storage and works offline.
        </p>
      </div>
    </details>
  );
}
