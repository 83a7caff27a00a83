interface Props {
  done: number;
  total: number;
  stopped: boolean;
  onStop(): void;
  onResume(): void;
}

/** Overall progress while many images are classified, with a way to stop and to go on. */
export function ClassificationQueue({ done, total, stopped, onStop, onResume }: Props) {
  if (total === 0 || done >= total) return null;
  return (
    <div className="queue">
      <progress aria-label="Classification progress" value={done} max={total} />
      <span className="queue-text">
        {stopped ? 'Stopped: ' : 'Classifying: '}
        {done} of {total} images done
      </span>
      {stopped ? (
        <button type="button" onClick={onResume}>
          Classify the rest
        </button>
      ) : (
        <button type="button" className="secondary" aria-label="Cancel classification" onClick={onStop}>
          Cancel
        </button>
      )}
    </div>
  );
}
