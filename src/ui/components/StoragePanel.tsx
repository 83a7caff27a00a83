import { useEffect, useState } from 'react';
import { formatBytes } from '../../shared/format.ts';
import { DEFAULT_HOST } from '../../shared/model-source.ts';
import { usageText } from '../messages.ts';
import type { StoredModel } from '../model-store.ts';
import type { StoreState } from '../use-model-store.ts';

interface Props {
  store: StoreState;
  /** Changes whenever the stored models may have changed (a model finished loading). */
  refreshKey: string;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function StoragePanel({ store, refreshKey }: Props) {
  const [models, setModels] = useState<StoredModel[] | null>(null);
  const [estimate, setEstimate] = useState<StorageEstimate | null>(null);
  const [persisted, setPersisted] = useState<boolean | null>(null);
  const [persistAnswer, setPersistAnswer] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const ready = store.status === 'ready' ? store.store : null;

  useEffect(() => {
    let live = true;
    ready?.listModels().then((list) => live && setModels(list));
    navigator.storage?.estimate?.().then((value) => live && setEstimate(value));
    navigator.storage?.persisted?.().then((value) => live && setPersisted(value));
    return () => {
      live = false;
    };
  }, [ready, refreshKey, version]);

  const remove = async (model: StoredModel) => {
    await ready?.deleteModel(model.modelKey);
    setVersion((v) => v + 1);
  };

  const persist = async () => {
    const granted = (await navigator.storage?.persist?.()) ?? false;
    setPersisted(granted);
    setPersistAnswer(
      granted
        ? 'Granted: the browser will keep stored models until you delete them.'
        : 'Not granted: the browser may still clear stored models when disk space runs low (browsers grant this more readily to installed apps).',
    );
  };

  return (
    <section className="storage" aria-labelledby="storage-heading">
      <h2 id="storage-heading">Storage</h2>
      {store.status === 'unavailable' && (
        <p className="notice">
          Model storage is unavailable in this window (private browsing or blocked site data): models are downloaded on
          every visit.
        </p>
      )}
      {estimate?.quota !== undefined && <p className="hint">{usageText(estimate.usage ?? 0, estimate.quota)}.</p>}
      {ready && models !== null && models.length === 0 && <p>No models stored on this device yet.</p>}
      {models !== null && models.length > 0 && (
        <ul className="stored-models" aria-label="Stored models">
          {models.map((model) => (
            <li key={model.modelKey} className="stored-model">
              <span className="stored-name">
                {model.modelId}
                {model.host !== DEFAULT_HOST && <span className="hint"> from {model.host}</span>}
              </span>
              <span className="stored-size">
                {formatBytes(model.size)} in {model.files} file{model.files === 1 ? '' : 's'}
              </span>
              <span className="stored-used hint">last used {dateFormat.format(model.lastUsed)}</span>
              <button
                type="button"
                className="secondary"
                aria-label={`Delete ${model.modelId}`}
                onClick={() => void remove(model)}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      {ready && persisted !== null && (
        <div className="persist">
          <p>
            {persisted
              ? 'Stored models are persistent: the browser keeps them until you delete them.'
              : 'Stored models are not persistent yet: the browser may clear them when disk space runs low.'}
          </p>
          {!persisted && (
            <button type="button" className="secondary" onClick={() => void persist()}>
              Keep stored models
            </button>
          )}
          {persistAnswer && <p aria-live="polite">{persistAnswer}</p>}
        </div>
      )}
    </section>
  );
}
