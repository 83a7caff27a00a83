/**
 * Loads a CLIP-family model as separate text and vision towers and turns their embeddings into
 * per-label scores, as the zero-shot-image-classification pipeline would.
 */
import {
  AutoConfig,
  AutoImageProcessor,
  AutoTokenizer,
  CLIPModel,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  ModelRegistry,
  RawImage,
  type PretrainedConfig,
  type ProgressInfo,
  type Tensor,
} from '@huggingface/transformers';
import { onnxFile } from '../shared/dtypes.ts';
import { modelFileUrl } from '../shared/model-source.ts';
import type { Dtype, FileProgress, LoadOptions, ModelInfo, PlannedFile } from '../shared/protocol.ts';
import { dot, normalise, sigmoid, softmax } from '../shared/scoring.ts';
import { wasmThreads } from './runtime.ts';

interface ModelFamily {
  textModel: typeof CLIPTextModelWithProjection;
  visionModel: typeof CLIPVisionModelWithProjection;
  jointModel: typeof CLIPModel;
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
    jointModel: CLIPModel,
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

/** A failure of the WebGPU backend itself (not of the model or the network): the cue to fall back to WASM. */
export class BackendError extends Error {
  override name = 'BackendError';
}

export interface LoadCallbacks {
  onPlan(files: PlannedFile[]): void;
  onProgress(progress: FileProgress): void;
  onWarmUp(): void;
  /** Whether a file of the model is in the store, whole (never asks the network). */
  isStored(url: string): Promise<boolean>;
}

export interface LoadedModel {
  info: ModelInfo;
  /** Unit-length text embeddings, one per text, in order. */
  encodeTexts(texts: string[]): Promise<Float32Array[]>;
  /** Unit-length image embeddings, one per image, from one batched vision pass. */
  encodeImages(images: RawImage[]): Promise<Float32Array[]>;
  /** Per-label scores (probabilities for softmax models) of one image against the texts. */
  score(image: Float32Array, texts: readonly Float32Array[]): Float64Array;
  dispose(): Promise<void>;
}

/** Separate text and vision models when the repository has them, the joint model otherwise. */
export type Layout = 'split' | 'joint';

function modelFiles(dtype: Dtype, layout: Layout): string[] {
  return layout === 'split'
    ? [onnxFile('text_model', dtype), onnxFile('vision_model', dtype)]
    : [onnxFile('model', dtype)];
}

let metadataRound = 0;

/** transformers.js memoises file metadata for the worker's life; a fresh key keeps answers current. */
function freshMetadata(modelId: string, files: string[]) {
  const options = { cache_dir: `round-${++metadataRound}` }; // cache_dir is unused in browsers
  return Promise.all(files.map((file) => ModelRegistry.get_file_metadata(modelId, file, options)));
}

/**
 * The first precision of the table (best first) that the model has, in the split layout if it has
 * it, else as the joint model. Stored files are checked first, without asking the network (so a
 * stored model loads offline); otherwise the host is asked.
 */
async function choosePrecision(
  options: LoadOptions,
  isStored: LoadCallbacks['isStored'],
): Promise<{ dtype: Dtype; layout: Layout }> {
  const { source, dtypes } = options;
  let failure: unknown = null;
  for (const dtype of dtypes) {
    for (const layout of ['split', 'joint'] as const) {
      const files = modelFiles(dtype, layout);
      const stored = await Promise.all(files.map((file) => isStored(modelFileUrl(source, file))));
      if (stored.every(Boolean)) return { dtype, layout };
    }
    try {
      const [text, vision, joint] = await freshMetadata(source.modelId, [
        ...modelFiles(dtype, 'split'),
        ...modelFiles(dtype, 'joint'),
      ]);
      if (text.exists && vision.exists) return { dtype, layout: 'split' };
      if (joint.exists) return { dtype, layout: 'joint' };
    } catch (error) {
      // Unreachable host (offline): a later precision may still be stored.
      failure ??= error;
    }
  }
  if (failure) throw failure;
  throw new MissingFileError(
    `Could not locate file: ${source.modelId} has no ${dtypes.join(' or ')} ONNX files (text and vision models, or the joint model).`,
  );
}

/** Sizes (from the store, or a one-byte range request) before any large download starts. */
async function planDownload(modelId: string, files: string[]): Promise<PlannedFile[]> {
  const metadata = await freshMetadata(modelId, files);
  const missing = files.filter((_, i) => !metadata[i].exists);
  if (missing.length > 0) throw new MissingFileError(`Could not locate file: ${missing.join(', ')}.`);
  return files.map((file, i) => ({ file, size: metadata[i].size ?? 0, stored: metadata[i].fromCache === true }));
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

/** A model's two towers, whatever the files: separate text and vision models, or the joint one. */
interface Towers {
  /** Text embeddings (not normalised) for tokenised inputs. */
  text(inputs: Record<string, Tensor>): Promise<Tensor>;
  /** Image embeddings (not normalised) for a batch of pixel values. */
  vision(pixelValues: Tensor): Promise<Tensor>;
  dispose(): Promise<void>;
}

async function loadTowers(
  family: ModelFamily,
  layout: Layout,
  modelId: string,
  modelOptions: Record<string, unknown>,
  blank: { text: () => Record<string, Tensor>; pixels: () => Promise<Tensor> },
): Promise<Towers> {
  if (layout === 'split') {
    const [textModel, visionModel] = await Promise.all([
      family.textModel.from_pretrained(modelId, modelOptions),
      family.visionModel.from_pretrained(modelId, modelOptions),
    ]);
    return {
      text: async (inputs) => ((await textModel(inputs)) as { text_embeds: Tensor }).text_embeds,
      vision: async (pixel_values) => ((await visionModel({ pixel_values })) as { image_embeds: Tensor }).image_embeds,
      dispose: async () => {
        await Promise.all([textModel.dispose(), visionModel.dispose()]);
      },
    };
  }
  // The joint model needs both inputs on every run: the other side gets a one-item placeholder.
  const joint = await family.jointModel.from_pretrained(modelId, modelOptions);
  type JointOutput = { text_embeds: Tensor; image_embeds: Tensor };
  return {
    text: async (inputs) =>
      ((await joint({ ...inputs, pixel_values: await blank.pixels() })) as JointOutput).text_embeds,
    vision: async (pixel_values) => ((await joint({ ...blank.text(), pixel_values })) as JointOutput).image_embeds,
    dispose: async () => {
      await joint.dispose();
    },
  };
}

export async function loadClipModel(options: LoadOptions, callbacks: LoadCallbacks): Promise<LoadedModel> {
  const started = performance.now();
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
  const { dtype, layout } = await choosePrecision(options, callbacks.isStored);
  callbacks.onPlan(
    await planDownload(modelId, [
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'preprocessor_config.json',
      ...modelFiles(dtype, layout),
    ]),
  );
  const onGpu = options.device === 'webgpu';
  if (onGpu && options.simulate === 'session-error') {
    throw new BackendError('simulated failure while creating the WebGPU sessions.');
  }
  const [tokenizer, processor] = await Promise.all([
    AutoTokenizer.from_pretrained(modelId, { progress_callback }),
    AutoImageProcessor.from_pretrained(modelId, { progress_callback }),
  ]);
  const tokenize = (texts: string[]) =>
    tokenizer(texts, { padding: family.padding, truncation: true }) as Record<string, Tensor>;
  let blankPixels: Promise<Tensor> | undefined;
  const towers = await loadTowers(
    family,
    layout,
    modelId,
    { config, device: options.device, dtype, progress_callback },
    {
      text: () => tokenize(['']),
      pixels: () => (blankPixels ??= processor(blankImage()).then((out: { pixel_values: Tensor }) => out.pixel_values)),
    },
  );

  const model: LoadedModel = {
    info: {
      modelId,
      device: options.device,
      dtype,
      layout,
      threads: wasmThreads(),
      scoring: family.scoring,
      notices: [],
      timings: { loadMs: performance.now() - started, warmUpMs: 0 },
    },
    async encodeTexts(texts) {
      return rows(await towers.text(tokenize(texts)));
    },
    async encodeImages(images) {
      if (onGpu && options.simulate === 'run-error') throw new BackendError('simulated failure of a WebGPU inference.');
      const { pixel_values } = (await processor(images)) as { pixel_values: Tensor };
      return rows(await towers.vision(pixel_values));
    },
    score(image, texts) {
      const logits = texts.map((text) => family.logitScale * dot(image, text) + family.logitBias);
      return family.scoring === 'softmax' ? softmax(logits) : sigmoid(logits);
    },
    dispose: () => towers.dispose(),
  };
  // One run of each tower before the model is called ready: on WebGPU it compiles the shaders.
  callbacks.onWarmUp();
  const warmUpStarted = performance.now();
  await model.encodeTexts(['a photo']);
  if (options.simulate !== 'run-error') await model.encodeImages([blankImage()]);
  model.info.timings.warmUpMs = performance.now() - warmUpStarted;
  return model;
}

/** A black image; any size would do, the image processor resizes it. */
function blankImage(): RawImage {
  return new RawImage(new Uint8ClampedArray(224 * 224 * 3), 224, 224, 3);
}
