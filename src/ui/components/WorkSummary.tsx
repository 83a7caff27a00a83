import type { EncodeWork } from '../../shared/protocol.ts';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** How much the embedding caches saved: encoded prompts and images against reused ones. */
export function WorkSummary({ work }: { work: EncodeWork }) {
  const encoded = work.textsEncoded + work.imagesEncoded;
  if (encoded + work.textsCached + work.imagesCached === 0) return null;
  return (
    <p
      className="work-summary hint"
      data-texts-encoded={work.textsEncoded}
      data-images-encoded={work.imagesEncoded}
      data-images-cached={work.imagesCached}
    >
      Encoded {plural(work.textsEncoded, 'prompt')} and {plural(work.imagesEncoded, 'image')}; reused{' '}
      {plural(work.textsCached + work.imagesCached, 'cached embedding')}.
    </p>
  );
}
