import { useI18n } from '../i18n/i18n.ts';
import { useSession, useSessionValue } from '../hooks/use-session.ts';

/** Searches the library by text: one text pass and a matrix product over the stored embeddings. */
export function SearchBox() {
  const { t } = useI18n();
  const session = useSession();
  const text = useSessionValue((s) => s.searchText);
  return (
    <div className="search-box" role="search">
      <input
        type="search"
        aria-label={t.searchImages}
        placeholder={t.searchPlaceholder}
        value={text}
        spellCheck={false}
        autoComplete="off"
        onChange={(event) => session.setSearchText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') session.endSearch();
        }}
      />
    </div>
  );
}
