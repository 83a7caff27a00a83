/**
 * Which revision of a repository a model's files are loaded from: a catalogue model on the default
 * Hub from the commit its entry pins, anything else (a typed id, a mirror, the fixtures, an
 * imported folder) from `main`. The revision is part of every file's URL, so of its store key too.
 *
 * Pinned commits are ones other public projects pin for the same repositories (found through code
 * search; the Hub cannot be reached from where this was written): ViT-B/32 `d15189d…` (it holds the
 * uint8 files of 2024, so every precision the catalogue lists), SigLIP `4649052…` (its fp16 and q8
 * towers), Chinese-CLIP `f269048…` (its joint fp32 and q8 files). ViT-B/16, ViT-L/14 and MobileCLIP
 * S2 stay on `main` until a real commit is known: a hash is never guessed. A pinned commit that
 * lacks a precision only moves the load to the next precision the model has.
 */
import { catalogueEntry } from './catalogue.ts';
import { DEFAULT_HOST } from './model-source.ts';
import type { ModelSource } from './types.ts';

export function revisionFor({ host, modelId }: ModelSource): string {
  return host === DEFAULT_HOST ? (catalogueEntry(modelId)?.revision ?? 'main') : 'main';
}
