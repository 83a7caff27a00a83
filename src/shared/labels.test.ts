import { describe, expect, it } from 'vitest';
import { MAX_LABEL_LENGTH, MAX_LABELS, characterCount, parseLabels } from './labels.ts';

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

  it('leaves out a label over the length cap, saying which, and keeps the others', () => {
    const long = `a giant ${'x'.repeat(MAX_LABEL_LENGTH)}`;
    const exact = 'y'.repeat(MAX_LABEL_LENGTH);
    const parsed = parseLabels(`owl, ${long}, ${exact}, fox`);
    expect(parsed.labels).toEqual(['owl', exact, 'fox']);
    expect(parsed.tooLong).toEqual([{ start: `a giant ${'x'.repeat(22)}`, length: MAX_LABEL_LENGTH + 8 }]);
  });

  it('counts characters, not UTF-16 units, and never cuts one in two', () => {
    const emoji = '🦉'.repeat(MAX_LABEL_LENGTH);
    expect(characterCount(emoji)).toBe(MAX_LABEL_LENGTH);
    expect(parseLabels(`${emoji}, fox`).labels).toEqual([emoji, 'fox']);
    const parsed = parseLabels(`${emoji}🦉`);
    expect(parsed.tooLong).toEqual([{ start: '🦉'.repeat(30), length: MAX_LABEL_LENGTH + 1 }]);
  });

  it('splits a pasted megabyte quickly, quoted or not', () => {
    const huge = 'z'.repeat(1_000_000);
    const started = performance.now();
    const plain = parseLabels(`owl, ${huge}, fox`);
    const quoted = parseLabels(`"${huge}, still quoted", fox, ${'a,'.repeat(200_000)}`);
    const elapsed = performance.now() - started;
    expect(plain.labels).toEqual(['owl', 'fox']);
    expect(plain.tooLong[0].length).toBe(1_000_000);
    expect(quoted.labels.slice(0, 2)).toEqual(['fox', 'a']);
    expect(quoted.tooLong[0].length).toBe(1_000_000 + 14);
    // A character-at-a-time copy took several times as long; a tokeniser, 18 s.
    expect(elapsed).toBeLessThan(1000);
  });
});
