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

/** The longest template, in characters (as a label: `MAX_LABEL_LENGTH`); a longer one is not used. */
export const MAX_TEMPLATE_LENGTH = 300;

/** Whether a template is too long to use (the default is used instead, and the page says so). */
export function templateTooLong(template: string): boolean {
  return Array.from(template.slice(0, MAX_TEMPLATE_LENGTH * 2 + 2)).length > MAX_TEMPLATE_LENGTH;
}

/** The templates a classification uses, in order. */
export function templatesFor({ template, ensemble }: PromptSettings): string[] {
  if (ensemble) return [...ENSEMBLE_TEMPLATES];
  return [templateTooLong(template) ? DEFAULT_TEMPLATE : template];
}
