import { useEffect, useRef, useState } from 'react';
import { backendName } from '../../shared/backend.ts';
import type { DeviceTestRow } from '../../shared/protocol.ts';
import { useI18n } from '../i18n/i18n.ts';
import { RequestError, isSuperseded } from '../session/worker-client.ts';
import { useSession, useSessionValue } from '../hooks/use-session.ts';

type Phase =
  | { kind: 'idle' }
  /** Asked for: it runs once no classification is running. */
  | { kind: 'asked' }
  | { kind: 'done'; rows: DeviceTestRow[] }
  | { kind: 'failed'; detail: string };

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/**
 * `Test this device`: the loaded model's speed on each backend this browser has, in a table people
 * can copy and share. It waits for a running classification to finish rather than slow it down.
 */
export function DeviceTest() {
  const { t } = useI18n();
  const session = useSession();
  const model = useSessionValue((s) => (s.model.phase === 'ready' ? s.model.info : null));
  const busy = useSessionValue((s) => s.labels.labels.length > 0 && !s.stopped && s.progress.done < s.progress.total);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [copied, setCopied] = useState(false);
  const inFlight = useRef(false);

  useEffect(() => {
    if (phase.kind !== 'asked' || busy || !model || inFlight.current) return undefined;
    inFlight.current = true;
    const controller = new AbortController();
    session.testDevice(controller.signal).then(
      (rows) => {
        inFlight.current = false;
        setPhase({ kind: 'done', rows });
      },
      (error: unknown) => {
        inFlight.current = false;
        if (isSuperseded(error) || controller.signal.aborted) return;
        const detail =
          error instanceof RequestError && 'detail' in error.failure ? error.failure.detail : String(error);
        setPhase({ kind: 'failed', detail });
      },
    );
    return undefined;
  }, [phase.kind, busy, model, session]);

  const results =
    phase.kind === 'done' && model
      ? {
          model: model.modelId,
          userAgent: navigator.userAgent,
          cores: navigator.hardwareConcurrency,
          rows: phase.rows.map((row) => ({
            ...row,
            imagesPerSecond: round(row.imagesPerSecond, 2),
            visionMsPerImage: round(row.visionMsPerImage, 1),
            textMs: round(row.textMs, 1),
            searchMs: round(row.searchMs, 1),
          })),
        }
      : null;
  const columns = t.deviceTestColumns;
  return (
    <section className="device-test" aria-labelledby="device-test-heading">
      <h3 id="device-test-heading">{t.testDevice}</h3>
      <p className="hint">{t.testDeviceHint}</p>
      <button
        type="button"
        className="secondary"
        disabled={!model || phase.kind === 'asked'}
        onClick={() => {
          setCopied(false);
          setPhase({ kind: 'asked' });
        }}
      >
        {t.testDevice}
      </button>
      <p aria-live="polite" className="hint">
        {!model
          ? t.testDeviceNeedsModel
          : phase.kind === 'asked'
            ? busy
              ? t.testDeviceWaiting
              : t.testDeviceRunning
            : ''}
      </p>
      {phase.kind === 'failed' && (
        <p role="alert" className="error">
          {t.testDeviceFailed(phase.detail)}
        </p>
      )}
      {results && (
        <>
          <div className="table-scroll">
            <table aria-label={t.deviceTestResults}>
              <thead>
                <tr>
                  <th scope="col">{columns.backend}</th>
                  <th scope="col">{columns.imagesPerSecond}</th>
                  <th scope="col">{columns.vision}</th>
                  <th scope="col">{columns.text}</th>
                  <th scope="col">{columns.search}</th>
                  <th scope="col">{columns.setup}</th>
                  <th scope="col">{columns.adapter}</th>
                </tr>
              </thead>
              <tbody>
                {results.rows.map((row) => (
                  <tr key={row.device}>
                    <th scope="row">{backendName(row.device)}</th>
                    <td data-images-per-second={row.imagesPerSecond}>{row.imagesPerSecond.toFixed(2)}</td>
                    <td>{row.visionMsPerImage.toFixed(0)}</td>
                    <td>{row.textMs.toFixed(0)}</td>
                    <td>{t.searchedPhotos(row.searchMs.toFixed(0), row.searchedPhotos)}</td>
                    <td>{`${results.model}, ${row.dtype}, ${row.threads}`}</td>
                    <td>{row.adapter ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void navigator.clipboard.writeText(JSON.stringify(results, null, 2)).then(() => setCopied(true))
            }
          >
            {t.copyResults}
          </button>
          <span aria-live="polite" className="hint">
            {copied ? ` ${t.copied}` : ''}
          </span>
        </>
      )}
    </section>
  );
}
