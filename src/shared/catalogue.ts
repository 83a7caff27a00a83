/**
 * The curated models: what each costs to download at each precision and how well it does, so the
 * choice is made before anything downloads. Sizes (MB) are the Hub's file sizes of the files the
 * app loads: text + vision towers, or the joint model where that is what the app runs.
 */
import type { LabelLanguage } from './label-script.ts';
import type { Dtype } from './types.ts';

export interface CatalogueEntry {
  id: string;
  /**
   * The Hub commit its files are loaded from, so what runs is what was chosen (a repository's
   * `main` can change under the app); 'main' where no commit was found to pin (see revision.ts).
   */
  revision: string;
  name: string;
  /** ImageNet zero-shot top-1 accuracy (%), as published; null where none is published. */
  accuracy: number | null;
  /** Download size in MB per precision the repository has. */
  sizes: Partial<Record<Dtype, number>>;
  languages: string;
  /** The label languages its text tower was trained on. */
  labelLanguages: LabelLanguage[];
  note: string;
  /** The same, in Simplified Chinese. */
  languagesZh: string;
  noteZh: string;
}

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    id: 'Xenova/clip-vit-base-patch16',
    revision: 'main',
    name: 'CLIP ViT-B/16',
    accuracy: 68.6,
    sizes: { q8: 152, fp32: 599 },
    languages: 'English',
    labelLanguages: ['en'],
    note: 'The default: the download of ViT-B/32 with 5 points more accuracy; slower per image (4× the patches).',
    languagesZh: '英文',
    noteZh: '默认模型：下载量与 ViT-B/32 相同，准确率高 5 个百分点；每张图片更慢（图块是 4 倍）。',
  },
  {
    id: 'Xenova/clip-vit-base-patch32',
    revision: 'd15189d7028b43f1d3e65039190477f6af591c2a',
    name: 'CLIP ViT-B/32',
    accuracy: 63.2,
    sizes: { q8: 153.5, fp16: 303, fp32: 606 },
    languages: 'English',
    labelLanguages: ['en'],
    note: 'The fastest per image; the transformers.js default.',
    languagesZh: '英文',
    noteZh: '每张图片最快；transformers.js 的默认模型。',
  },
  {
    id: 'Xenova/clip-vit-large-patch14',
    revision: 'main',
    name: 'CLIP ViT-L/14',
    accuracy: 75.3,
    sizes: { q8: 432, fp16: 857, fp32: 1715 },
    languages: 'English',
    labelLanguages: ['en'],
    note: 'The Hugging Face guide’s checkpoint: most accurate CLIP here, large and slow.',
    languagesZh: '英文',
    noteZh: 'Hugging Face 指南使用的模型：这里最准确的 CLIP，体积大、速度慢。',
  },
  {
    id: 'Xenova/siglip-base-patch16-224',
    revision: '4649052661e53c7000355844105f8a1792088239',
    name: 'SigLIP base (patch 16, 224 px)',
    accuracy: 76.0,
    sizes: { q8: 210.5, fp16: 407, fp32: 813 },
    languages: 'English',
    labelLanguages: ['en'],
    note: 'Independent per-label scores (sigmoid): good for “any that apply”.',
    languagesZh: '英文',
    noteZh: '每个标签的分数相互独立（sigmoid）：适合“所有适用的”。',
  },
  {
    id: 'Xenova/mobileclip_s2',
    revision: 'main',
    name: 'MobileCLIP S2',
    accuracy: 74.4,
    sizes: { q8: 101 },
    languages: 'English',
    labelLanguages: ['en'],
    note: 'Small and fast; its vision tower is sensitive to 8-bit quantisation.',
    languagesZh: '英文',
    noteZh: '小而快；其视觉塔对 8 位量化敏感。',
  },
  {
    id: 'Xenova/chinese-clip-vit-base-patch16',
    revision: 'f26904860903e70e050b8f48255e5f48401816e9',
    name: 'Chinese-CLIP ViT-B/16',
    accuracy: null,
    sizes: { q8: 191, fp16: 377, fp32: 754 },
    languages: 'Chinese',
    labelLanguages: ['zh'],
    note: 'For labels in Chinese (English CLIP handles Chinese labels poorly). Joint model only.',
    languagesZh: '中文',
    noteZh: '适用于中文标签（英文 CLIP 对中文标签效果差）。仅有联合模型。',
  },
];

export const DEFAULT_CATALOGUE_ID = CATALOGUE[0].id;

export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return CATALOGUE.find((entry) => entry.id === id);
}

/** The size to download for the first precision (of those tried, best first) the model has. */
export function downloadSize(entry: CatalogueEntry, dtypes: readonly Dtype[]): { dtype: Dtype; mb: number } | null {
  for (const dtype of dtypes) {
    const mb = entry.sizes[dtype];
    if (mb !== undefined) return { dtype, mb };
  }
  return null;
}
