import { describe, expect, it } from 'vitest';
import { applyTemplate } from './template.ts';

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
