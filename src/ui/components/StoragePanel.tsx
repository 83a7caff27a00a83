import { useEffect, useState } from 'react';
import { formatBytes } from '../../shared/format.ts';
import { DEFAULT_HOST } from '../../shared/model-source.ts';
import { useI18n } from '../i18n.ts';
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
  const { t } = useI18n();

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
    setPersistAnswer(granted ? 'granted' : 'denied');
  };

  return (
    <section className="storage" aria-labelledby="storage-heading">
      <h2 id="storage-heading">{t.storage}</h2>
      {store.status === 'unavailable' && <p className="notice">{t.storageUnavailable}</p>}
      {estimate?.quota !== undefined && <p className="hint">{usageText(t, estimate.usage ?? 0, estimate.quota)}</p>}
      {ready && models !== null && models.length === 0 && <p>{t.noStoredModels}</p>}
      {models !== null && models.length > 0 && (
        <ul className="stored-models" aria-label={t.storedModels}>
          {models.map((model) => (
            <li key={model.modelKey} className="stored-model">
              <span className="stored-name">
                {model.modelId}
                {model.host !== DEFAULT_HOST && <span className="hint">{t.from(model.host)}</span>}
              </span>
              <span className="stored-size">{t.filesSize(formatBytes(model.size), model.files)}</span>
              <span className="stored-used hint">{t.lastUsed(dateFormat.format(model.lastUsed))}</span>
              <button
                type="button"
                className="secondary"
                aria-label={t.deleteModel(model.modelId)}
                onClick={() => void remove(model)}
              >
                {t.delete}
              </button>
            </li>
          ))}
        </ul>
      )}
      {ready && persisted !== null && (
        <div className="persist">
          <p>{persisted ? t.persistent : t.notPersistent}</p>
          {!persisted && (
            <button type="button" className="secondary" onClick={() => void persist()}>
              {t.keepStored}
            </button>
          )}
          {persistAnswer && (
            <p aria-live="polite">{persistAnswer === 'granted' ? t.persistGranted : t.persistDenied}</p>
          )}
        </div>
      )}
    </section>
  );
}
