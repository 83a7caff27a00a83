/**
 * Imports a model folder from disk (a transformers.js repository: config.json, tokenizer files,
 * onnx/…) into the model store, under this origin's local-models host, so machines without any
 * internet can still run a model. It then loads like any stored model. The files are staged
 * under a key of their own and swapped in whole once every one is stored: importing a folder
 * again leaves the import before usable until then, and intact when the new one fails.
 */
import type { ImportFailure } from '../../shared/failures.ts';
import { LOCAL_MODELS_PATH } from '../../shared/model-source.ts';
import type { FolderFile } from '../../shared/protocol.ts';
import { modelKey, type ModelSource, type StoredFileMeta } from '../../shared/types.ts';
import { STAGING_PREFIX, type ModelStore } from './model-store.ts';
import { sha256Hex } from './sha256.ts';

/** A folder that is not a model: it lacks `config.json`, or ONNX files. */
export class ImportError extends Error {
  override name = 'ImportError';
  constructor(readonly failure: Extract<ImportFailure, { code: 'no-config' | 'no-onnx' }>) {
    super(
      `“${failure.folder}” has no ${failure.code === 'no-config' ? 'config.json' : 'ONNX model files (onnx/*.onnx)'}.`,
    );
  }
}

/** Files a model repository's loading can use; anything else in the folder (README, .git) is left out. */
const MODEL_FILE = /\.(json|txt|onnx|onnx_data|model)$/i;

export interface ImportedModel {
  source: ModelSource;
  files: number;
  bytes: number;
}

/** A model id from a folder name: `imported/{name}`, with characters a model id can hold. */
export function importedModelId(folder: string): string {
  const name = folder.replace(/[^\w.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'model';
  return `imported/${name}`;
}

export async function importModelFolder(
  store: ModelStore,
  folderName: string,
  picked: readonly FolderFile[],
  origin: string,
): Promise<ImportedModel> {
  const folder = folderName || 'model';
  const entries = picked.filter(
    ({ path }) => !path.split('/').some((part) => part.startsWith('.')) && MODEL_FILE.test(path),
  );
  if (!entries.some(({ path }) => path === 'config.json')) throw new ImportError({ code: 'no-config', folder });
  if (!entries.some(({ path }) => /^onnx\/[^/]+\.onnx$/.test(path))) throw new ImportError({ code: 'no-onnx', folder });
  const source: ModelSource = { modelId: importedModelId(folder), host: `${origin}${LOCAL_MODELS_PATH}` };
  const fileUrl = (revision: string, path: string) => `${source.host}/${source.modelId}/resolve/${revision}/${path}`;
  const stamp = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const stagingKey = `${STAGING_PREFIX}${modelKey(source)}|${stamp}`;
  // What an import cut short (a closed tab) left behind is of no use to anyone.
  await store.discardStaged().catch(() => undefined);
  try {
    const bytes = await stageFiles(store, entries, source, stagingKey, (path) => fileUrl(`staging-${stamp}`, path));
    // Importing the same folder again replaces what was imported before, in one transaction.
    await store.commitStaged(stagingKey, modelKey(source), entries.length, (meta) => fileUrl('main', meta.path));
    return { source, files: entries.length, bytes };
  } catch (error) {
    await store.discardStaged().catch(() => undefined);
    throw error;
  }
}

/** Stores every file under the staging key; resolves with their bytes in all. */
async function stageFiles(
  store: ModelStore,
  entries: readonly FolderFile[],
  source: ModelSource,
  stagingKey: string,
  urlOf: (path: string) => string,
): Promise<number> {
  let bytes = 0;
  for (const { file, path } of entries) {
    const now = Date.now();
    const meta: StoredFileMeta = {
      url: urlOf(path),
      modelKey: stagingKey,
      modelId: source.modelId,
      host: source.host,
      path,
      size: file.size,
      contentType: path.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      etag: null,
      sha256: await sha256Hex(await file.arrayBuffer()),
      storedAt: now,
      lastUsed: now,
    };
    await store.put(meta, file);
    bytes += file.size;
  }
  return bytes;
}
