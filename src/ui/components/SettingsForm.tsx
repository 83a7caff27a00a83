import { useId, useState, type FormEvent, type ReactNode } from 'react';
import {
  DEVICE_PREFERENCES,
  DTYPES,
  dtypeCandidates,
  type DevicePreference,
  type RuntimeSettings,
} from '../../shared/backend.ts';
import { CATALOGUE, catalogueEntry, downloadSize, type CatalogueEntry } from '../../shared/catalogue.ts';
import { useI18n, type Messages } from '../i18n/i18n.ts';
import { DEFAULT_HOST, isValidModelId, resolveHost } from '../../shared/model-source.ts';
import type { Dtype, ModelSource } from '../../shared/types.ts';
import type { SettingsChange } from '../session/classifier-session.ts';

interface Props {
  source: ModelSource;
  runtime: RuntimeSettings;
  /** Opened by the app when the host could not be reached, so the fix is in view. */
  open: boolean;
  /** Precisions the current backend tries, best first (sizes are shown for the one that will be used). */
  dtypes: Dtype[];
  onChange(change: SettingsChange): void;
  onImportFolder(files: File[]): void;
  /** More settings shown in the drawer after the model's (the storage panel). */
  children?: ReactNode;
}

const OTHER_MODEL = '';

/** What the picker says of a model: its name, the download for the precision that will be used, its accuracy. */
function describeEntry(t: Messages, entry: CatalogueEntry, dtypes: Dtype[]): string {
  const size = downloadSize(entry, dtypes);
  return t.catalogueEntry(entry.name, size ? size.mb.toLocaleString('en') : null, size?.dtype ?? '', entry.accuracy);
}

/** The settings drawer: the model, where it comes from, backend and precision, import, and what is stored. */
export function SettingsForm({ source, runtime, open, dtypes, onChange, onImportFolder, children }: Props) {
  const [modelId, setModelId] = useState(source.modelId);
  const [host, setHost] = useState(source.host === DEFAULT_HOST ? '' : source.host);
  const [device, setDevice] = useState<DevicePreference>(runtime.device);
  const [dtype, setDtype] = useState<Dtype | ''>(runtime.dtype ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  const { t, locale } = useI18n();
  const deviceLabels: Record<DevicePreference, string> = {
    auto: t.deviceAuto,
    webgpu: 'WebGPU',
    wasm: t.deviceWasm,
  };
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
      setProblem(t.badModelId(id));
      return;
    }
    const typedHost = host.trim();
    const resolved = typedHost === '' ? DEFAULT_HOST : resolveHost(typedHost, location.origin);
    if (resolved === null) {
      setProblem(t.badHost(typedHost));
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
      <summary className="button secondary">{t.settings}</summary>
      <div className="settings-drawer">
        <div className="settings-drawer-header">
          <button
            type="button"
            className="secondary small"
            onClick={(event) => event.currentTarget.closest('details')?.removeAttribute('open')}
          >
            {t.done}
          </button>
        </div>
        <form onSubmit={submit} noValidate>
          <label className="field-label" htmlFor={`${id}-model`}>
            {t.modelCatalogue}
          </label>
          <select
            id={`${id}-model`}
            value={picked ? picked.id : OTHER_MODEL}
            aria-describedby={`${id}-model-note`}
            onChange={(e) => e.target.value !== OTHER_MODEL && setModelId(e.target.value)}
          >
            {CATALOGUE.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {describeEntry(t, entry, plannedDtypes)}
              </option>
            ))}
            <option value={OTHER_MODEL}>{t.anotherModel}</option>
          </select>
          <p className="hint" id={`${id}-model-note`}>
            {picked
              ? locale === 'zh'
                ? `${picked.languagesZh}。${picked.noteZh}`
                : `${picked.languages}. ${picked.note}`
              : t.anyModelHint}
          </p>
          <label>
            <span className="field-label">{t.modelId}</span>
            <input value={modelId} onChange={(e) => setModelId(e.target.value)} spellCheck={false} autoComplete="off" />
          </label>
          <label>
            <span className="field-label">{t.modelHost}</span>
            <input
              value={host}
              onChange={(e) => setHost(e.target.value)}
              placeholder={DEFAULT_HOST}
              spellCheck={false}
              autoComplete="url"
            />
          </label>
          <p className="hint">{t.hostHint('{host}/{model id}/resolve/main/…')}</p>
          <div className="settings-row">
            {/* Labels point at their selects (not wrap them): the option texts stay out of the names. */}
            <div>
              <label className="field-label" htmlFor={`${id}-device`}>
                {t.backend}
              </label>
              <select
                id={`${id}-device`}
                value={device}
                onChange={(e) => setDevice(e.target.value as DevicePreference)}
              >
                {DEVICE_PREFERENCES.map((value) => (
                  <option key={value} value={value}>
                    {deviceLabels[value]}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label className="field-label" htmlFor={`${id}-dtype`}>
                {t.precision}
              </label>
              <select id={`${id}-dtype`} value={dtype} onChange={(e) => setDtype(e.target.value as Dtype | '')}>
                <option value="">{t.precisionAuto}</option>
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
          <button type="submit">{t.loadModel}</button>
        </form>
        <div className="import-folder">
          <label className="button secondary">
            {t.importFolder}
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
          <p className="hint">{t.importHint}</p>
        </div>
        {children}
      </div>
    </details>
  );
}
