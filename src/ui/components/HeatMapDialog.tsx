import { useEffect, useRef, useState } from 'react';
import type { LibraryImage } from '../../shared/library.ts';
import { RESOLUTION, region, spread, type Heat } from '../library/heat-map.ts';
import { useI18n } from '../i18n/i18n.ts';
import { RequestError, isSuperseded } from '../session/worker-client.ts';
import { useSession } from '../hooks/use-session.ts';
import { useThumbnail } from '../hooks/use-thumbnail.ts';

interface Props {
  image: LibraryImage;
  label: string;
  onClose(): void;
}

/** Weak to strong: transparent blue to opaque red, over the picture. */
function colour(value: number): [number, number, number, number] {
  return [
    Math.round(255 * value),
    Math.round(80 * (1 - Math.abs(value - 0.5) * 2)),
    Math.round(255 * (1 - value)),
    Math.round(60 + 140 * value),
  ];
}

function draw(canvas: HTMLCanvasElement, heat: Heat): void {
  canvas.width = RESOLUTION;
  canvas.height = RESOLUTION;
  const context = canvas.getContext('2d');
  if (!context) return;
  const data = context.createImageData(RESOLUTION, RESOLUTION);
  heat.values.forEach((value, i) => data.data.set(colour(value), i * 4));
  context.putImageData(data, 0, 0);
}

/**
 * Where in one picture a label matches: overlapping crops scored against the label's text (a few
 * vision passes, no gradients), drawn over the picture with a legend. Cancellable while it runs.
 */
export function HeatMapDialog({ image, label, onClose }: Props) {
  const { t } = useI18n();
  const session = useSession();
  const dialog = useRef<HTMLDialogElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const thumbnail = useThumbnail(image);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [heat, setHeat] = useState<Heat | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [controller] = useState(() => new AbortController());

  useEffect(() => {
    dialog.current?.showModal();
    session
      .heatMap(image.id, label, {
        signal: controller.signal,
        onProgress: (done, total) => setProgress({ done, total }),
      })
      .then(
        (map) => setHeat(spread(map)),
        (error: unknown) => {
          if (isSuperseded(error)) return;
          setFailed(error instanceof RequestError && 'detail' in error.failure ? error.failure.detail : String(error));
        },
      );
    return () => controller.abort();
  }, [session, image.id, label, controller]);

  useEffect(() => {
    if (heat && canvas.current) draw(canvas.current, heat);
  }, [heat]);

  const where = heat ? region(heat.hottest) : null;
  return (
    <dialog ref={dialog} className="heat-map" aria-labelledby="heat-map-title" onClose={onClose}>
      <h2 id="heat-map-title">{t.whereTitle(label, image.name)}</h2>
      <figure className="heat-figure">
        <div className="heat-stack">
          {thumbnail && <img src={thumbnail} alt={image.name} />}
          {heat && (
            <canvas
              ref={canvas}
              className="heat-overlay"
              role="img"
              aria-label={where ? t.whereStrongest(label, where.row, where.column) : ''}
              data-hot-x={heat.hottest.x.toFixed(3)}
              data-hot-y={heat.hottest.y.toFixed(3)}
            />
          )}
        </div>
        <figcaption>
          {heat && where
            ? t.whereStrongest(label, where.row, where.column)
            : failed
              ? null
              : t.whereWorking(progress?.done ?? 0, progress?.total ?? 0)}
        </figcaption>
      </figure>
      {heat && (
        <div className="heat-legend" aria-hidden="true">
          <span>{t.weaker}</span>
          <span className="heat-ramp" />
          <span>{t.stronger}</span>
        </div>
      )}
      {!heat && !failed && progress && (
        <progress aria-label={t.whereProgress} value={progress.done} max={progress.total} />
      )}
      {failed && (
        <p role="alert" className="error">
          {t.whereFailed(failed)}
        </p>
      )}
      <div className="dialog-actions">
        <button
          type="button"
          className="secondary"
          onClick={() => {
            controller.abort();
            dialog.current?.close();
          }}
        >
          {heat || failed ? t.done : t.cancel}
        </button>
      </div>
    </dialog>
  );
}
