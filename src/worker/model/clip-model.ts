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
  ChineseCLIPModel,
  SiglipModel,
  ModelRegistry,
  RawImage,
  type PretrainedConfig,
  type ProgressInfo,
  type Tensor,
} from '@huggingface/transformers';
import { onnxFile } from '../../shared/dtypes.ts';
import { modelFileUrl } from '../../shared/model-source.ts';
import { revisionFor } from '../../shared/revision.ts';
import type { LoadOptions } from '../../shared/protocol.ts';
import type { Dtype, FileProgress, ModelInfo, PlannedFile } from '../../shared/types.ts';
import { dot, normalise } from '../../shared/scoring.ts';
import { measureSince } from '../bench-measures.ts';
import type { LoadedModel } from './loaded-model.ts';
import { MissingFileError, UnsupportedModelError } from './model-errors.ts';
import { wasmThreads } from './onnx/runtime.ts';
import { resizeLikeReference } from '../images/reference-resize.ts';
import { releaseSource, selfCheck } from './onnx/webgpu-inference-sessions.ts';
import type { InferenceSession } from 'onnxruntime-web/webgpu';

interface ModelFamily {
  /** Towers with projections whose outputs are the joint model's embeddings; null: joint model only. */
  towers: { text: typeof CLIPTextModelWithProjection; vision: typeof CLIPVisionModelWithProjection } | null;
  jointModel: typeof CLIPModel;
  scoring: ModelInfo['scoring'];
  languages: ModelInfo['languages'];
  /** exp(logit_scale) after training, for the split towers (which do not carry it). */
  logitScale: number;
  padding: true | 'max_length';
}

/** The model types the app runs, as the zero-shot-image-classification pipeline treats them. */
export const FAMILIES: Record<string, ModelFamily> = {
  // OpenAI's CLIP checkpoints all end training with logit_scale clamped at ln(100).
  clip: {
    towers: { text: CLIPTextModelWithProjection, vision: CLIPVisionModelWithProjection },
    jointModel: CLIPModel,
    scoring: 'softmax',
    languages: ['en'],
    logitScale: 100,
    padding: true,
  },
  // SigLIP's separate towers export pooled outputs without the scale and bias: the joint model is
  // used, its learned scale and bias read off one calibration run.
  siglip: {
    towers: null,
    jointModel: SiglipModel,
    scoring: 'sigmoid',
    languages: ['en'],
    logitScale: 1,
    padding: 'max_length',
  },
  chinese_clip: {
    towers: null,
    jointModel: ChineseCLIPModel,
    scoring: 'softmax',
    languages: ['zh'],
    logitScale: 100,
    padding: true,
  },
};

/** Texts for reading a joint model's logit scale and bias: any two whose embeddings differ. */
const CALIBRATION_TEXTS = ['a photo of a cat.', 'black', 'white', 'red', '一张猫的照片。', '黑', '白', '红'];

export interface LoadCallbacks {
  onPlan(files: PlannedFile[]): void;
  /**
   * Decides whether the plan may download (throws when the person must be asked first); from
   * then on only the plan's files are downloaded.
   */
  approve(files: PlannedFile[], dtype: Dtype): void;
  onProgress(progress: FileProgress): void;
  onWarmUp(): void;
  /** Whether a file of the model is in the store, whole (never asks the network). */
  isStored(url: string): Promise<boolean>;
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
function freshMetadata(modelId: string, files: string[], revision: string) {
  const options = { cache_dir: `round-${++metadataRound}`, revision }; // cache_dir is unused in browsers
  return Promise.all(files.map((file) => ModelRegistry.get_file_metadata(modelId, file, options)));
}

/**
 * The first precision of the table (best first) that the model has, in the split layout if it has
 * it, else as the joint model. Stored files are checked first, without asking the network (so a
 * stored model loads offline); otherwise the host is asked.
 */
async function choosePrecision(
  family: ModelFamily,
  options: LoadOptions,
  isStored: LoadCallbacks['isStored'],
): Promise<{ dtype: Dtype; layout: Layout }> {
  const { source, dtypes } = options;
  const revision = revisionFor(source);
  const layouts: Layout[] = family.towers ? ['split', 'joint'] : ['joint'];
  let failure: unknown = null;
  for (const dtype of dtypes) {
    for (const layout of layouts) {
      const files = modelFiles(dtype, layout);
      const stored = await Promise.all(files.map((file) => isStored(modelFileUrl(source, file, revision))));
      if (stored.every(Boolean)) return { dtype, layout };
    }
    try {
      const [text, vision, joint] = await freshMetadata(
        source.modelId,
        [...modelFiles(dtype, 'split'), ...modelFiles(dtype, 'joint')],
        revision,
      );
      if (family.towers && text.exists && vision.exists) return { dtype, layout: 'split' };
      if (joint.exists) return { dtype, layout: 'joint' };
    } catch (error) {
      // Unreachable host (offline): a later precision may still be stored.
      failure ??= error;
    }
  }
  if (failure) throw failure;
  throw new MissingFileError(
    `Could not locate file: ${source.modelId} has no ${dtypes.join(' or ')} ONNX files (${
      family.towers ? 'text and vision models, or the joint model' : 'the joint model'
    }).`,
  );
}

/** Sizes (from the store, or a one-byte range request) before any large download starts. */
async function planDownload(modelId: string, files: string[], revision: string): Promise<PlannedFile[]> {
  const metadata = await freshMetadata(modelId, files, revision);
  const missing = files.filter((_, i) => !metadata[i].exists);
  if (missing.length > 0) throw new MissingFileError(`Could not locate file: ${missing.join(', ')}.`);
  return files.map((file, i) => {
    const size = metadata[i].size;
    // A host that does not say is planned as unknown, never as 0 B: the download is then capped.
    return { file, size: typeof size === 'number' && size > 0 ? size : null, stored: metadata[i].fromCache === true };
  });
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
  /** The joint model's logits and embeddings for texts and images (joint layout only). */
  joint: ((inputs: Record<string, Tensor>) => Promise<JointOutput>) | null;
  /** The ONNX Runtime sessions behind the towers, with the inputs each needs and the outputs to check. */
  sessions: { session: InferenceSession; inputs: 'text' | 'image' | 'both'; outputs: string[] }[];
  dispose(): Promise<void>;
}

/** The ONNX Runtime session of a transformers.js model (its only session, named `model`). */
function sessionOf(model: object): InferenceSession {
  return (model as { sessions: Record<string, InferenceSession> }).sessions.model;
}

type JointOutput = { text_embeds: Tensor; image_embeds: Tensor; logits_per_image: Tensor };

async function loadTowers(
  family: ModelFamily,
  layout: Layout,
  modelId: string,
  modelOptions: Record<string, unknown>,
  blank: { text: () => Record<string, Tensor>; pixels: () => Promise<Tensor> },
): Promise<Towers> {
  if (layout === 'split' && family.towers) {
    const [textModel, visionModel] = await Promise.all([
      family.towers.text.from_pretrained(modelId, modelOptions),
      family.towers.vision.from_pretrained(modelId, modelOptions),
    ]);
    return {
      text: async (inputs) => ((await textModel(inputs)) as { text_embeds: Tensor }).text_embeds,
      vision: async (pixel_values) => ((await visionModel({ pixel_values })) as { image_embeds: Tensor }).image_embeds,
      joint: null,
      sessions: [
        { session: sessionOf(textModel), inputs: 'text', outputs: ['text_embeds'] },
        { session: sessionOf(visionModel), inputs: 'image', outputs: ['image_embeds'] },
      ],
      dispose: async () => {
        await Promise.all([textModel.dispose(), visionModel.dispose()]);
      },
    };
  }
  // The joint model needs both inputs on every run: the other side gets a one-item placeholder.
  const joint = await family.jointModel.from_pretrained(modelId, modelOptions);
  return {
    text: async (inputs) =>
      ((await joint({ ...inputs, pixel_values: await blank.pixels() })) as JointOutput).text_embeds,
    vision: async (pixel_values) => ((await joint({ ...blank.text(), pixel_values })) as JointOutput).image_embeds,
    joint: async (inputs) => (await joint(inputs)) as JointOutput,
    sessions: [{ session: sessionOf(joint), inputs: 'both', outputs: ['text_embeds', 'image_embeds'] }],
    dispose: async () => {
      await joint.dispose();
    },
  };
}

export async function loadClipModel(options: LoadOptions, callbacks: LoadCallbacks): Promise<LoadedModel> {
  const started = performance.now();
  const { modelId } = options.source;
  // A catalogue model loads from the commit its entry pins: every file, probe and stored key names it.
  const revision = revisionFor(options.source);
  const progress_callback = (info: ProgressInfo) => {
    const progress = toFileProgress(info);
    if (progress) callbacks.onProgress(progress);
  };
  const config: PretrainedConfig = await AutoConfig.from_pretrained(modelId, { progress_callback, revision });
  const modelType = config.model_type ?? '';
  const family = Object.hasOwn(FAMILIES, modelType) ? FAMILIES[modelType] : undefined;
  if (!family) {
    throw new UnsupportedModelError(modelId, config.model_type ?? 'unknown');
  }
  const { dtype, layout } = await choosePrecision(family, options, callbacks.isStored);
  const plan = await planDownload(
    modelId,
    [
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'preprocessor_config.json',
      ...modelFiles(dtype, layout),
    ],
    revision,
  );
  callbacks.onPlan(plan);
  // Nothing past config.json is downloaded before this: it throws where the person must agree first.
  callbacks.approve(plan, dtype);
  const [tokenizer, processor] = await Promise.all([
    AutoTokenizer.from_pretrained(modelId, { progress_callback, revision }),
    AutoImageProcessor.from_pretrained(modelId, { progress_callback, revision }),
  ]);
  // Resized as transformers.js does outside the browser (sharp's bicubic), not with a canvas.
  resizeLikeReference(
    processor as unknown as Parameters<typeof resizeLikeReference>[0],
    (data, width, height, channels) => {
      return new RawImage(data, width, height, channels as 1 | 2 | 3 | 4);
    },
  );
  const tokenize = (texts: string[]) =>
    tokenizer(texts, { padding: family.padding, truncation: true }) as Record<string, Tensor>;
  let blankPixels: Promise<Tensor> | undefined;
  const towers = await loadTowers(
    family,
    layout,
    modelId,
    { config, device: options.device, dtype, progress_callback, revision },
    {
      text: () => tokenize(['']),
      pixels: () => (blankPixels ??= processor(blankImage()).then((out: { pixel_values: Tensor }) => out.pixel_values)),
    },
  );

  // The split towers' scale is the family's; the joint model's own scale and bias are read off it.
  let logitScale = family.logitScale;
  let logitBias = 0;
  let neutral: Float32Array = new Float32Array(0);
  const model: LoadedModel = {
    info: {
      modelId,
      device: options.device,
      dtype,
      layout,
      threads: wasmThreads(),
      scoring: family.scoring,
      languages: family.languages,
      notices: [],
      timings: { loadMs: performance.now() - started, warmUpMs: 0 },
    },
    async encodeTexts(texts) {
      return rows(await towers.text(tokenize(texts)));
    },
    async encodeImages(images) {
      const raw = images.map((p) => (p instanceof RawImage ? p : new RawImage(p.data, p.width, p.height, p.channels)));
      const { pixel_values } = (await processor(raw)) as { pixel_values: Tensor };
      // The session run alone (pixels already prepared), as the bench's onnxruntime-node reference runs it.
      const started = performance.now();
      const embeds = await towers.vision(pixel_values);
      measureSince('vision pass', started, { images: images.length });
      return rows(embeds);
    },
    get calibration() {
      return { scale: logitScale, bias: logitBias };
    },
    get neutral() {
      return neutral;
    },
    dispose: () => towers.dispose(),
  };
  // One run of each tower before the model is called ready: on WebGPU it compiles the shaders.
  callbacks.onWarmUp();
  const warmUpStarted = performance.now();
  if (towers.joint) {
    const { pixel_values } = (await processor(blankImage())) as { pixel_values: Tensor };
    ({ logitScale, logitBias } = calibrate(await towers.joint({ ...tokenize(CALIBRATION_TEXTS), pixel_values })));
  }
  await model.encodeTexts(['a photo']);
  // The warm-up image is a mid-grey: its embedding is the model's "no picture in particular", the
  // origin from which corrections measure how alike two pictures are.
  [neutral] = await model.encodeImages([greyImage()]);
  if (options.device === 'webgpu') {
    const { pixel_values } = (await processor(probeImage())) as { pixel_values: Tensor };
    const feeds = { ...tokenize(['a photo of a cat.']), pixel_values };
    const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([name, tensor]) => [name, tensor.ort_tensor]));
    try {
      for (const { session, outputs } of towers.sessions) {
        await selfCheck(session, ortFeeds, outputs, { tamper: options.simulate === 'wrong-probe' });
      }
    } finally {
      for (const { session } of towers.sessions) releaseSource(session);
    }
  }
  model.info.timings.warmUpMs = performance.now() - warmUpStarted;
  return model;
}

/**
 * The joint model's logit scale and bias, from one image against several texts: logits are
 * scale · cos + bias, so two texts whose cosines differ most fix both.
 */
function calibrate(output: JointOutput): { logitScale: number; logitBias: number } {
  const image = rows(output.image_embeds)[0];
  const cosines = rows(output.text_embeds).map((text) => dot(image, text));
  const logits = Array.from(output.logits_per_image.data as Float32Array);
  const low = cosines.indexOf(Math.min(...cosines));
  const high = cosines.indexOf(Math.max(...cosines));
  if (cosines[high] - cosines[low] < 1e-3)
    throw new Error('Could not read the model’s logit scale: its text embeddings do not differ.');
  const logitScale = (logits[high] - logits[low]) / (cosines[high] - cosines[low]);
  return { logitScale, logitBias: logits[high] - logitScale * cosines[high] };
}

/** A fixed image with structure everywhere (gradients and a checkerboard), for the WebGPU self-check. */
function probeImage(): RawImage {
  const size = 224;
  const data = new Uint8ClampedArray(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const at = (y * size + x) * 3;
      const check = ((x >> 4) + (y >> 4)) % 2 === 0 ? 60 : 0;
      data[at] = x + check;
      data[at + 1] = y;
      data[at + 2] = 255 - ((x + y) >> 1) - check;
    }
  }
  return new RawImage(data, size, size, 3);
}

/** A mid-grey image: no colour, no shape. */
function greyImage(): RawImage {
  return new RawImage(new Uint8ClampedArray(224 * 224 * 3).fill(128), 224, 224, 3);
}

/** A black image; any size would do, the image processor resizes it. */
function blankImage(): RawImage {
  return new RawImage(new Uint8ClampedArray(224 * 224 * 3), 224, 224, 3);
}
