/**
 * Imports a model folder from disk (a transformers.js repository: config.json, tokenizer files,
 * onnx/…) into the model store, under this origin's local-models host, so machines without any
 * internet can still run a model. The worker then loads it like any stored model.
 */
import { LOCAL_MODELS_PATH } from '../shared/model-source.ts';
import type { ModelSource, StoredFileMeta } from '../shared/protocol.ts';
import type { ModelStore } from './model-store.ts';

/** A folder that is not a model: it lacks `config.json`, or ONNX files. */
export class ImportError extends Error {
  override name = 'ImportError';
  constructor(
    readonly kind: 'no-config' | 'no-onnx',
    readonly folder: string,
  ) {
    super(`“${folder}” has no ${kind === 'no-config' ? 'config.json' : 'ONNX model files (onnx/*.onnx)'}.`);
  }
}

/** Files a model repository's loading can use; anything else in the folder (README, .git) is left out. */
const MODEL_FILE = /\.(json|txt|onnx|onnx_data|model)$/i;

export interface ImportedModel {
  source: ModelSource;
  files: number;
  bytes: number;
}

async function sha256Hex(file: File): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The path of a picked file inside the picked folder (`folder/onnx/model.onnx` → `onnx/model.onnx`). */
function splitPath(file: File): { folder: string; path: string } {
  const relative = file.webkitRelativePath || file.name;
  const slash = relative.indexOf('/');
  return slash < 0
    ? { folder: '', path: relative }
    : { folder: relative.slice(0, slash), path: relative.slice(slash + 1) };
}

/** A model id from a folder name: `imported/{name}`, with characters a model id can hold. */
export function importedModelId(folder: string): string {
  const name = folder.replace(/[^\w.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'model';
  return `imported/${name}`;
}

export async function importModelFolder(
  store: ModelStore,
  picked: readonly File[],
  origin: string,
): Promise<ImportedModel> {
  const entries = picked
    .map((file) => ({ file, ...splitPath(file) }))
    .filter(({ path }) => !path.split('/').some((part) => part.startsWith('.')) && MODEL_FILE.test(path));
  const folder = splitPath(picked[0] ?? new File([], 'model')).folder || 'model';
  if (!entries.some(({ path }) => path === 'config.json')) throw new ImportError('no-config', folder);
  if (!entries.some(({ path }) => /^onnx\/[^/]+\.onnx$/.test(path))) throw new ImportError('no-onnx', folder);
  const source: ModelSource = { modelId: importedModelId(folder), host: `${origin}${LOCAL_MODELS_PATH}` };
  const modelKey = `${source.host}|${source.modelId}`;
  // Importing the same folder again replaces what was imported before.
  await store.deleteModel(modelKey);
  let bytes = 0;
  for (const { file, path } of entries) {
    const now = Date.now();
    const meta: StoredFileMeta = {
      url: `${source.host}/${source.modelId}/resolve/main/${path}`,
      modelKey,
      modelId: source.modelId,
      host: source.host,
      path,
      size: file.size,
      contentType: path.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      etag: null,
      sha256: await sha256Hex(file),
      storedAt: now,
      lastUsed: now,
    };
    await store.put(meta, file);
    bytes += file.size;
  }
  return { source, files: entries.length, bytes };
}
