import { useState, type FormEvent } from 'react';
import { DEFAULT_HOST, isValidModelId, resolveHost } from '../../shared/model-source.ts';
import type { ModelSource } from '../../shared/protocol.ts';

interface Props {
  source: ModelSource;
  /** Opened by the app when the host could not be reached, so the fix is in view. */
  open: boolean;
  onChange(source: ModelSource, hostAsTyped: string): void;
}

export function ModelSourceForm({ source, open, onChange }: Props) {
  const [modelId, setModelId] = useState(source.modelId);
  const [host, setHost] = useState(source.host === DEFAULT_HOST ? '' : source.host);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = modelId.trim();
    if (!isValidModelId(id)) {
      setProblem(`“${id}” is not a model id like “Xenova/clip-vit-base-patch32”.`);
      return;
    }
    const typedHost = host.trim();
    const resolved = typedHost === '' ? DEFAULT_HOST : resolveHost(typedHost, location.origin);
    if (resolved === null) {
      setProblem(`“${typedHost}” is not a web address (it should start with https:// or /).`);
      return;
    }
    setProblem(null);
    onChange({ modelId: id, host: resolved }, typedHost);
  };

  return (
    <details className="model-source" open={open || undefined}>
      <summary>Model source</summary>
      <form onSubmit={submit} noValidate>
        <label>
          <span className="field-label">Model id</span>
          <input value={modelId} onChange={(e) => setModelId(e.target.value)} spellCheck={false} autoComplete="off" />
        </label>
        <label>
          <span className="field-label">Model host (mirror)</span>
          <input
            value={host}
            onChange={(e) => setHost(e.target.value)}
            placeholder={DEFAULT_HOST}
            spellCheck={false}
            autoComplete="url"
          />
        </label>
        <p className="hint">
          Files are fetched from <code>{'{host}/{model id}/resolve/main/…'}</code>; leave the host empty for the Hugging
          Face Hub.
        </p>
        {problem && (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
        <button type="submit">Load model</button>
      </form>
    </details>
  );
}
