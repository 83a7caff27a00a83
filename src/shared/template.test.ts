import { describe, expect, it } from 'vitest';
import { ENSEMBLE_TEMPLATES, applyTemplate, templatesFor } from './template.ts';

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
