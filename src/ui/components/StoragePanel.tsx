import { useEffect, useId, useRef, useState } from 'react';
import { formatBytes } from '../../shared/format.ts';
import { DEFAULT_HOST } from '../../shared/model-source.ts';
import type { StoredModel } from '../../shared/types.ts';
import { formatDateTime } from '../i18n/dates.ts';
import { useI18n } from '../i18n/i18n.ts';
import { usageText } from '../i18n/messages.ts';
import { usePersistOutcome } from '../platform/persist-storage.ts';
import { TRASH_KEEP_MS } from '../../shared/trash.ts';
import { RequestError } from '../session/worker-client.ts';
import { useSession, useSessionValue } from '../hooks/use-session.ts';

interface Props {
  /** Changes whenever the stored models may have changed (a model finished loading). */
  refreshKey: string;
}

/** What the worker said of the model store: its models, or that it cannot be used here. */
type StoreListing = { status: 'listing' } | { status: 'listed'; models: StoredModel[] } | { status: 'unavailable' };

export function StoragePanel({ refreshKey }: Props) {
  const session = useSession();
  const [listing, setListing] = useState<StoreListing>({ status: 'listing' });
  const [estimate, setEstimate] = useState<StorageEstimate | null>(null);
  const [persisted, setPersisted] = useState<boolean | null>(null);
  const [persistAnswer, setPersistAnswer] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [librarySize, setLibrarySize] = useState<number | null>(null);
  const libraryImages = useSessionValue((snapshot) => snapshot.images.length);
  const { t, locale } = useI18n();
  const id = useId();
  const confirmDelete = useRef<HTMLDialogElement>(null);
  const asked = usePersistOutcome();

  useEffect(() => {
    let live = true;
    const controller = new AbortController();
    session.listModels(controller.signal).then(
      (models) => live && setListing({ status: 'listed', models }),
      (error: unknown) =>
        live &&
        error instanceof RequestError &&
        error.failure.code === 'storage-unavailable' &&
        setListing({ status: 'unavailable' }),
    );
    session.librarySize(controller.signal).then(
      (bytes) => live && setLibrarySize(bytes),
      () => undefined,
    );
    navigator.storage?.estimate?.().then((value) => live && setEstimate(value));
    navigator.storage?.persisted?.().then((value) => live && setPersisted(value));
    return () => {
      live = false;
      controller.abort();
    };
  }, [session, refreshKey, version, libraryImages]);

  const remove = async (model: StoredModel) => {
    await session.deleteModel(model.modelKey);
    setVersion((v) => v + 1);
  };
  const deleteLibrary = async () => {
    await session.clearLibrary();
    setVersion((v) => v + 1);
  };
  const models = listing.status === 'listed' ? listing.models : null;
  const ready = listing.status === 'listed';

  const persist = async () => {
    const granted = (await navigator.storage?.persist?.()) ?? false;
    setPersisted(granted);
    setPersistAnswer(granted ? 'granted' : 'denied');
  };

  return (
    <section className="storage" aria-labelledby="storage-heading">
      <h2 id="storage-heading">{t.storage}</h2>
      {listing.status === 'unavailable' && <p className="notice">{t.storageUnavailable}</p>}
      <div className="stored-library">
        <span>{t.librarySize(libraryImages, librarySize === null ? '…' : formatBytes(librarySize))}</span>
        {libraryImages > 0 && (
          <button type="button" className="secondary" onClick={() => confirmDelete.current?.showModal()}>
            {t.deleteLibrary}
          </button>
        )}
      </div>
      {/* Deleting the whole library asks first; what it deletes waits in the trash. */}
      <dialog ref={confirmDelete} className="confirm" aria-labelledby={`${id}-delete-title`}>
        <form method="dialog">
          <h2 id={`${id}-delete-title`}>{t.deleteLibraryTitle}</h2>
          <p>{t.deleteLibraryBody(libraryImages, Math.round(TRASH_KEEP_MS / 86_400_000))}</p>
          <div className="dialog-actions">
            <button type="submit" value="cancel" className="secondary">
              {t.cancel}
            </button>
            <button type="submit" value="delete" className="danger" onClick={() => void deleteLibrary()}>
              {t.deleteLibraryConfirm}
            </button>
          </div>
        </form>
      </dialog>
      {estimate?.quota !== undefined && <p className="hint">{usageText(t, estimate.usage ?? 0, estimate.quota)}</p>}
      {models !== null && models.length === 0 && <p>{t.noStoredModels}</p>}
      {models !== null && models.length > 0 && (
        <ul className="stored-models" aria-label={t.storedModels}>
          {models.map((model) => (
            <li key={model.modelKey} className="stored-model">
              <span className="stored-name">
                {model.modelId}
                {model.host !== DEFAULT_HOST && <span className="hint">{t.from(model.host)}</span>}
              </span>
              <span className="stored-size">{t.filesSize(formatBytes(model.size), model.files)}</span>
              <span className="stored-used hint">{t.lastUsed(formatDateTime(locale, model.lastUsed))}</span>
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
      <p className="hint">
        {asked ? t.persistAsked(formatDateTime(locale, asked.at), asked.granted) : t.persistNotAsked}
      </p>
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
