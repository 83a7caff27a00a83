import { useI18n } from '../i18n/i18n.ts';

interface Props {
  done: number;
  total: number;
  stopped: boolean;
  pace: { imagesPerSecond: number; secondsLeft: number } | null;
  onStop(): void;
  onResume(): void;
}

/** Overall progress while many images are classified, its pace, and a way to stop and to go on. */
export function ClassificationQueue({ done, total, stopped, pace, onStop, onResume }: Props) {
  const { t } = useI18n();
  if (total === 0 || done >= total) return null;
  return (
    <div className="queue">
      <progress aria-label={t.queueProgress} value={done} max={total} />
      <span className="queue-text">{stopped ? t.queueStopped(done, total) : t.queueRunning(done, total)}</span>
      {!stopped && pace && <span className="queue-pace hint">{t.pace(pace.imagesPerSecond, pace.secondsLeft)}</span>}
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
