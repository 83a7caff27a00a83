/** Prompt templates: `{}` marks where the label goes, as in the zero-shot pipeline. */

export const DEFAULT_TEMPLATE = 'a photo of a {}.';

/** Fills the first `{}` (the pipeline's `String.replace`); a template without one gets the label appended. */
export function applyTemplate(template: string, label: string): string {
  return template.includes('{}') ? template.replace('{}', () => label) : `${template} ${label}`.trim();
}
