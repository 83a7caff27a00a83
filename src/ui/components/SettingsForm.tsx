import { useId, useState, type FormEvent } from 'react';
import { DEVICE_PREFERENCES, DTYPES, type DevicePreference, type RuntimeSettings } from '../../shared/backend.ts';
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
  onChange(change: SettingsChange): void;
}

const DEVICE_LABELS: Record<DevicePreference, string> = {
  auto: 'Automatic (WebGPU on a real GPU, else WASM)',
  webgpu: 'WebGPU',
  wasm: 'WASM (CPU)',
};

export function SettingsForm({ source, runtime, open, onChange }: Props) {
  const [modelId, setModelId] = useState(source.modelId);
  const [host, setHost] = useState(source.host === DEFAULT_HOST ? '' : source.host);
  const [device, setDevice] = useState<DevicePreference>(runtime.device);
  const [dtype, setDtype] = useState<Dtype | ''>(runtime.dtype ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();

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
    </details>
  );
}
