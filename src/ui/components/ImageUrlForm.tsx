import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n.ts';
import { fetchImageUrl } from '../library/image-sources.ts';

interface Props {
  onFiles(files: File[]): void;
}

/** Adds an image by its web address (fetched with CORS, so only from sites that allow it). */
export function ImageUrlForm({ onFiles }: Props) {
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const { t } = useI18n();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (url.trim() === '') return;
    setBusy(true);
    setMessage(null);
    fetchImageUrl(t, url)
      .then((file) => {
        onFiles([file]);
        setUrl('');
      })
      .catch((error: unknown) => setMessage(error instanceof Error ? error.message : String(error)))
      .finally(() => setBusy(false));
  };

  return (
    <form className="url-form" onSubmit={submit}>
      <label htmlFor="image-url" className="field-label">
        {t.imageUrl}
      </label>
      <div className="url-row">
        <input
          id="image-url"
          type="url"
          inputMode="url"
          value={url}
          placeholder="https://…/photo.jpg"
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => setUrl(event.target.value)}
        />
        <button type="submit" className="secondary" disabled={busy}>
          {busy ? t.fetching : t.addFromUrl}
        </button>
      </div>
      <p aria-live="polite" className={message ? 'notice error' : 'visually-hidden'}>
        {message}
      </p>
    </form>
  );
}
