import { useI18n } from '../i18n.ts';

interface Props {
  done: number;
  total: number;
  stopped: boolean;
  onStop(): void;
  onResume(): void;
}

/** Overall progress while many images are classified, with a way to stop and to go on. */
export function ClassificationQueue({ done, total, stopped, onStop, onResume }: Props) {
  const { t } = useI18n();
  if (total === 0 || done >= total) return null;
  return (
    <div className="queue">
      <progress aria-label={t.queueProgress} value={done} max={total} />
      <span className="queue-text">{stopped ? t.queueStopped(done, total) : t.queueRunning(done, total)}</span>
      {stopped ? (
        <button type="button" onClick={onResume}>
          {t.classifyRest}
        </button>
      ) : (
        <button type="button" className="secondary" aria-label={t.cancelClassification} onClick={onStop}>
          {t.cancel}
        </button>
      )}
    </div>
  );
}
