import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TEMPLATE,
  ENSEMBLE_TEMPLATES,
  MAX_TEMPLATE_LENGTH,
  applyTemplate,
  templateTooLong,
  templatesFor,
} from './template.ts';

describe('applyTemplate', () => {
  it('fills the first {} like the pipeline', () => {
    expect(applyTemplate('a photo of a {}.', 'owl')).toBe('a photo of a owl.');
    expect(applyTemplate('{} or {}', 'owl')).toBe('owl or {}');
  });

  it('does not interpret $ patterns in labels', () => {
    expect(applyTemplate('a {}', "$& $' cost")).toBe("a $& $' cost");
  });

  it('appends the label when the template has no placeholder', () => {
    expect(applyTemplate('a photo of', 'owl')).toBe('a photo of owl');
  });
});

describe('prompt settings', () => {
  it('uses the seven-template set for an ensemble, the template otherwise', () => {
    expect(templatesFor({ template: 'x {}', ensemble: false })).toEqual(['x {}']);
    expect(templatesFor({ template: 'x {}', ensemble: true })).toEqual([...ENSEMBLE_TEMPLATES]);
    expect(ENSEMBLE_TEMPLATES).toHaveLength(7);
  });
});

describe('template length cap', () => {
  it('uses the default template instead of one over the cap', () => {
    const long = `a photo of a {} ${'x'.repeat(MAX_TEMPLATE_LENGTH)}`;
    expect(templateTooLong(long)).toBe(true);
    expect(templatesFor({ template: long, ensemble: false })).toEqual([DEFAULT_TEMPLATE]);
    const exact = `{}${'x'.repeat(MAX_TEMPLATE_LENGTH - 2)}`;
    expect(templateTooLong(exact)).toBe(false);
    expect(templatesFor({ template: exact, ensemble: false })).toEqual([exact]);
  });

  it('counts characters, so 300 emoji fit and a megabyte is judged without reading it all', () => {
    expect(templateTooLong('🦉'.repeat(MAX_TEMPLATE_LENGTH))).toBe(false);
    expect(templateTooLong('🦉'.repeat(MAX_TEMPLATE_LENGTH + 1))).toBe(true);
    expect(templateTooLong('{}'.repeat(500_000))).toBe(true);
  });
});
