import { useMemo, useState } from 'react';
import type { LibraryImage } from '../../shared/library.ts';
import { useI18n, type Messages } from '../i18n/i18n.ts';
import type { SearchState } from '../session/classifier-session.ts';
import { useSession } from '../hooks/use-session.ts';
import { useThumbnail } from '../hooks/use-thumbnail.ts';

interface Props {
  search: SearchState;
  images: readonly LibraryImage[];
}

const PAGE = 60;

/** How strong a match is, in words: for text, its lead over a generic prompt (logits); for a picture, its likeness. */
function strengthText(t: Messages, kind: 'text' | 'image', strength: number): string {
  if (kind === 'text') return strength >= 3 ? t.matchStrong : strength >= 0 ? t.matchGood : t.matchWeak;
  return strength >= 0.5 ? t.matchStrong : strength >= 0.05 ? t.matchGood : t.matchWeak;
}

function Hit({
  image,
  similarity,
  strength,
  kind,
}: {
  image: LibraryImage;
  similarity: number;
  strength: number;
  kind: 'text' | 'image';
}) {
  const { t } = useI18n();
  const url = useThumbnail(image);
  const words = strengthText(t, kind, strength);
  return (
    <li className="hit" data-similarity={similarity}>
      {url ? <img src={url} alt="" className="hit-thumb" /> : <span className="hit-thumb" aria-hidden="true" />}
      <span className="hit-name">{image.name}</span>
      <span className="hit-strength">
        {words} <span className="hint">({t.similarity(similarity.toFixed(3))})</span>
      </span>
      <span className="hit-bar" aria-hidden="true">
        <span className="hit-fill" style={{ width: `${Math.max(0, Math.min(1, (similarity + 1) / 2)) * 100}%` }} />
      </span>
    </li>
  );
}

/** The library ranked by a search, best first; clearing the search returns to the library. */
export function SearchResults({ search, images }: Props) {
  const { t } = useI18n();
  const session = useSession();
  const [shown, setShown] = useState(PAGE);
  const byId = useMemo(() => new Map(images.map((image) => [image.id, image])), [images]);
  const { query, hits, status } = search;
  const heading =
    query.kind === 'text' ? t.resultsFor(query.text) : t.picturesLike(byId.get(query.imageId)?.name ?? '');
  return (
    <section className="search-results" aria-labelledby="search-heading">
      <div className="results-header">
        <h2 id="search-heading">{heading}</h2>
        <button type="button" className="secondary" onClick={() => session.endSearch()}>
          {t.backToLibrary}
        </button>
      </div>
      {status === 'searching' && <p className="hint">{t.searching}</p>}
      {status === 'failed' && (
        <p role="alert" className="error">
          {t.searchFailed}
        </p>
      )}
      {hits && (
        <>
          <p className="hint">{t.searchExplained(hits.imageIds.length)}</p>
          <ol className="hits" aria-label={t.searchResults}>
            {hits.imageIds.slice(0, shown).map((id, i) => {
              const image = byId.get(id);
              return image ? (
                <Hit
                  key={id}
                  image={image}
                  similarity={hits.similarity[i]}
                  strength={hits.strength[i]}
                  kind={query.kind}
                />
              ) : null;
            })}
          </ol>
          {hits.imageIds.length > shown && (
            <button type="button" className="secondary" onClick={() => setShown((n) => n + PAGE)}>
              {t.showMoreResults(Math.min(PAGE, hits.imageIds.length - shown))}
            </button>
          )}
        </>
      )}
    </section>
  );
}
