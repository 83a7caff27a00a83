import { describe, expect, it } from 'vitest';
import { MAX_LABELS, parseLabels } from './labels.ts';

describe('parseLabels', () => {
  it('splits on commas, full-width commas, enumeration commas and newlines, trimming each label', () => {
    expect(parseLabels(' owl, fox ，seagull、 heron\nduck\r\ngoose ').labels).toEqual([
      'owl',
      'fox',
      'seagull',
      'heron',
      'duck',
      'goose',
    ]);
  });

  it('drops empty labels', () => {
    expect(parseLabels(',, owl,\n\n , fox,').labels).toEqual(['owl', 'fox']);
    expect(parseLabels('   ').labels).toEqual([]);
  });

  it('merges duplicates ignoring case and spacing, keeping the first as typed, and reports them', () => {
    const parsed = parseLabels('Red, green, red ,  RED, dark   blue, Dark Blue');
    expect(parsed.labels).toEqual(['Red', 'green', 'dark   blue']);
    expect(parsed.duplicates).toEqual(['Red', 'dark   blue']);
  });

  it('keeps a quoted label with commas in it whole', () => {
    expect(parseLabels('"salt, pepper", oil, “a, b”').labels).toEqual(['salt, pepper', 'oil', 'a, b']);
  });

  it('keeps labels in Chinese as typed', () => {
    expect(parseLabels('红，绿、蓝').labels).toEqual(['红', '绿', '蓝']);
  });

  it('caps the number of labels and says how many were left out', () => {
    const text = Array.from({ length: MAX_LABELS + 5 }, (_, i) => `label ${i}`).join(',');
    const parsed = parseLabels(text);
    expect(parsed.labels).toHaveLength(MAX_LABELS);
    expect(parsed.overLimit).toBe(5);
  });
});
