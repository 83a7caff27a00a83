import type { EncodeWork } from '../../shared/types.ts';
import { useI18n } from '../i18n/i18n.ts';

/** How much the embedding caches saved: encoded prompts and images against reused ones. */
export function WorkSummary({ work }: { work: EncodeWork }) {
  const { t } = useI18n();
  const encoded = work.textsEncoded + work.imagesEncoded;
  if (encoded + work.textsCached + work.imagesCached === 0) return null;
  return (
    <p
      className="work-summary hint"
      data-texts-encoded={work.textsEncoded}
      data-images-encoded={work.imagesEncoded}
      data-images-cached={work.imagesCached}
    >
      {t.work(work.textsEncoded, work.imagesEncoded, work.textsCached + work.imagesCached)}
    </p>
  );
}
