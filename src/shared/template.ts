/** Prompt templates: `{}` marks where the label goes, as in the zero-shot pipeline. */

export const DEFAULT_TEMPLATE = 'a photo of a {}.';

/** Fills the first `{}` (the pipeline's `String.replace`); a template without one gets the label appended. */
export function applyTemplate(template: string, label: string): string {
  return template.includes('{}') ? template.replace('{}', () => label) : `${template} ${label}`.trim();
}

/** The seven-template set from OpenAI's prompt-engineering notebook (slightly better than all 80). */
export const ENSEMBLE_TEMPLATES: readonly string[] = [
  'itap of a {}.',
  'a bad photo of the {}.',
  'a origami {}.',
  'a photo of the large {}.',
  'a {} in a video game.',
  'art of the {}.',
  'a photo of the small {}.',
];

export interface PromptSettings {
  template: string;
  /** Average the text embeddings of `ENSEMBLE_TEMPLATES` instead of using `template`. */
  ensemble: boolean;
}

/** The templates a classification uses, in order. */
export function templatesFor({ template, ensemble }: PromptSettings): string[] {
  return ensemble ? [...ENSEMBLE_TEMPLATES] : [template];
}
