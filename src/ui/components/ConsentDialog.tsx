import { useEffect, useId, useRef } from 'react';
import { CATALOGUE, downloadSize } from '../../shared/catalogue.ts';
import type { ConsentRequest } from '../../shared/consent.ts';
import type { Dtype } from '../../shared/types.ts';
import { useI18n } from '../i18n/i18n.ts';
import { consentReasonText, consentSizeText } from '../i18n/messages.ts';

interface Props {
  request: ConsentRequest;
  deviceMemoryGiB: number | null;
  onDownload(): void;
  onCancel(): void;
  /** Loads the same model at a smaller precision. */
  onPrecision(dtype: Dtype): void;
  /** Loads another (smaller) catalogue model. */
  onModel(modelId: string): void;
}

/** The host's address without its scheme, as a person reads it in the address bar: `127.0.0.1:4174`. */
function hostName(host: string): string {
  try {
    return new URL(host).host;
  } catch {
    return host;
  }
}

/**
 * Asks before a model downloads (see shared/consent.ts for when): names the host, the model and
 * the size of what the plan will download (or the caps, where it is not known); a foreign host is
 * not contacted at all before Download, and the dialog says so.
 * When the model may not fit in the device's memory, it offers q8 or a smaller catalogue model.
 */
export function ConsentDialog({ request, deviceMemoryGiB, onDownload, onCancel, onPrecision, onModel }: Props) {
  const { t } = useI18n();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  const memory = request.reasons.includes('memory');
  const smallerModel = memory
    ? CATALOGUE.map((entry) => ({ entry, size: downloadSize(entry, ['q8']) }))
        .filter(({ entry, size }) => entry.id !== request.modelId && size && size.mb * 1e6 < request.totalBytes)
        .sort((a, b) => (a.size?.mb ?? 0) - (b.size?.mb ?? 0))
        .at(-1)
    : undefined;
  return (
    <dialog
      ref={dialog}
      className="confirm consent"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-why`}
      onCancel={(event) => {
        // Escape is a Cancel.
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id={`${id}-title`}>{t.consentTitle(request.modelId)}</h2>
      <dl className="consent-facts">
        <dt>{t.consentHost}</dt>
        <dd>
          <strong>{hostName(request.host)}</strong> <span className="consent-address">{request.host}</span>
        </dd>
        <dt>{t.consentModel}</dt>
        <dd>{request.modelId}</dd>
        <dt>{t.consentSize}</dt>
        <dd>{consentSizeText(t, request)}</dd>
      </dl>
      <div id={`${id}-why`}>
        {!request.contacted && <p>{t.consentNothingAsked(hostName(request.host))}</p>}
        {request.reasons.map((reason) => (
          <p key={reason}>{consentReasonText(t, reason, request, deviceMemoryGiB)}</p>
        ))}
      </div>
      <div className="dialog-actions">
        {memory && request.dtype !== 'q8' && (
          <button type="button" className="secondary" onClick={() => onPrecision('q8')}>
            {t.useSmallerPrecision('q8')}
          </button>
        )}
        {smallerModel?.size && (
          <button type="button" className="secondary" onClick={() => onModel(smallerModel.entry.id)}>
            {t.useSmallerModel(smallerModel.entry.name, `${smallerModel.size.mb} MB`)}
          </button>
        )}
        <button type="button" className="secondary" onClick={onCancel}>
          {t.cancel}
        </button>
        <button type="button" onClick={onDownload}>
          {t.download}
        </button>
      </div>
    </dialog>
  );
}
