/**
 * Loads a CLIP-family model as separate text and vision towers and turns their embeddings into
 * per-label scores, as the zero-shot-image-classification pipeline would.
 */
import {
  AutoConfig,
  AutoImageProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  ModelRegistry,
  type PretrainedConfig,
  type ProgressInfo,
  type RawImage,
  type Tensor,
} from '@huggingface/transformers';
import { onnxFile } from '../shared/dtypes.ts';
import type { FileProgress, LoadOptions, ModelInfo, PlannedFile } from '../shared/protocol.ts';
import { dot, normalise, sigmoid, softmax } from '../shared/scoring.ts';
import { wasmThreads } from './runtime.ts';

interface ModelFamily {
  textModel: typeof CLIPTextModelWithProjection;
  visionModel: typeof CLIPVisionModelWithProjection;
  scoring: ModelInfo['scoring'];
  /** exp(logit_scale) after training; the exported towers do not carry it. */
  logitScale: number;
  logitBias: number;
  padding: true | 'max_length';
}

const FAMILIES: Record<string, ModelFamily> = {
  // OpenAI's CLIP checkpoints all end training with logit_scale clamped at ln(100).
  clip: {
    textModel: CLIPTextModelWithProjection,
    visionModel: CLIPVisionModelWithProjection,
    scoring: 'softmax',
    logitScale: 100,
    logitBias: 0,
    padding: true,
  },
};

export class UnsupportedModelError extends Error {
  override name = 'UnsupportedModelError';
}

export class MissingFileError extends Error {
  override name = 'ModelFileNotFoundError';
}

export interface LoadCallbacks {
  onPlan(files: PlannedFile[]): void;
  onProgress(progress: FileProgress): void;
}

/** Every file the split towers need, in the order they are fetched. */
function requiredFiles(options: LoadOptions): string[] {
  return [
    'config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    'preprocessor_config.json',
    onnxFile('text_model', options.dtype),
    onnxFile('vision_model', options.dtype),
  ];
}

let planCount = 0;

/** Sizes (from the store, or a one-byte range request) before any large download starts. */
async function planDownload(modelId: string, files: string[]): Promise<PlannedFile[]> {
  // transformers.js memoises metadata by these options for the worker's life; a fresh key per
  // plan keeps "already stored" true to the store now (cache_dir is unused in browsers).
  const options = { cache_dir: `plan-${++planCount}` };
  const metadata = await Promise.all(files.map((file) => ModelRegistry.get_file_metadata(modelId, file, options)));
  const missing = files.filter((_, i) => !metadata[i].exists);
  if (missing.length > 0) throw new MissingFileError(`Could not locate file: ${missing.join(', ')}.`);
  return files.map((file, i) => ({ file, size: metadata[i].size ?? 0, stored: metadata[i].fromCache === true }));
}
export interface LoadedModel {
  info: ModelInfo;
  /** Unit-length text embeddings, one per text, in order. */
  encodeTexts(texts: string[]): Promise<Float32Array[]>;
  /** A unit-length image embedding. */
  encodeImage(image: RawImage): Promise<Float32Array>;
  /** Per-label scores (probabilities for softmax models) of one image against the texts. */
  score(image: Float32Array, texts: readonly Float32Array[]): Float64Array;
  dispose(): Promise<void>;
}

function rows(tensor: Tensor): Float32Array[] {
  const [count, width] = tensor.dims;
  const data = tensor.data as Float32Array;
  return Array.from({ length: count }, (_, i) => normalise(data.subarray(i * width, (i + 1) * width)));
}

function toFileProgress(info: ProgressInfo): FileProgress | null {
  switch (info.status) {
    case 'initiate':
      return { file: info.file, loaded: 0, total: 0, done: false };
    case 'progress':
      return { file: info.file, loaded: info.loaded, total: info.total, done: false };
    case 'done':
      return { file: info.file, loaded: 0, total: 0, done: true };
    default:
      return null;
  }
}

export async function loadClipModel(options: LoadOptions, callbacks: LoadCallbacks): Promise<LoadedModel> {
  const { modelId } = options.source;
  const progress_callback = (info: ProgressInfo) => {
    const progress = toFileProgress(info);
    if (progress) callbacks.onProgress(progress);
  };
  const config: PretrainedConfig = await AutoConfig.from_pretrained(modelId, { progress_callback });
  const family = FAMILIES[config.model_type ?? ''];
  if (!family) {
    throw new UnsupportedModelError(
      `${modelId} is a “${config.model_type ?? 'unknown'}” model, not a CLIP-family image–text model.`,
    );
  }
  callbacks.onPlan(await planDownload(modelId, requiredFiles(options)));
  const modelOptions = { config, device: options.device, dtype: options.dtype, progress_callback };
  const [tokenizer, processor, textModel, visionModel] = await Promise.all([
    AutoTokenizer.from_pretrained(modelId, { progress_callback }),
    AutoImageProcessor.from_pretrained(modelId, { progress_callback }),
    family.textModel.from_pretrained(modelId, modelOptions),
    family.visionModel.from_pretrained(modelId, modelOptions),
  ]);

  return {
    info: {
      modelId,
      device: options.device,
      dtype: options.dtype,
      threads: wasmThreads(),
      scoring: family.scoring,
      notices: [],
    },
    async encodeTexts(texts) {
      const inputs = tokenizer(texts, { padding: family.padding, truncation: true });
      const { text_embeds } = (await textModel(inputs)) as { text_embeds: Tensor };
      return rows(text_embeds);
    },
    async encodeImage(image) {
      const { pixel_values } = await processor(image);
      const { image_embeds } = (await visionModel({ pixel_values })) as { image_embeds: Tensor };
      return rows(image_embeds)[0];
    },
    score(image, texts) {
      const logits = texts.map((text) => family.logitScale * dot(image, text) + family.logitBias);
      return family.scoring === 'softmax' ? softmax(logits) : sigmoid(logits);
    },
    async dispose() {
      await Promise.all([textModel.dispose(), visionModel.dispose()]);
    },
  };
}
