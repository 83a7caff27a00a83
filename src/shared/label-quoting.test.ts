/**
 * Quoting in the labels box: a quote opens only at the start of a label (so inches, possessives and
 * quoted words inside a label stay as typed), each kind closes only with its own mate, and
 * corner brackets quote as straight and curly quotes do.
 */
import { describe, expect, it } from 'vitest';
import { parseLabels } from './labels.ts';

const labels = (text: string) => parseLabels(text).labels;

describe('label quoting', () => {
  it('keeps quotes typed inside a label, and the commas after them still separate', () => {
    expect(labels('5" screen, 12" ruler')).toEqual(['5" screen', '12" ruler']);
    expect(labels('a dog named "Rex", a cat')).toEqual(['a dog named "Rex"', 'a cat']);
    expect(labels('the “good” one, the bad one')).toEqual(['the “good” one', 'the bad one']);
  });

  it('opens a quote after spaces at the start of a label', () => {
    expect(labels('owl,   "salt, pepper"')).toEqual(['owl', 'salt, pepper']);
  });

  it('quotes with corner brackets, commas of every kind inside', () => {
    expect(labels('「盐，胡椒」、油')).toEqual(['盐，胡椒', '油']);
    expect(labels('「红、绿」, blue')).toEqual(['红、绿', 'blue']);
  });

  it('keeps a corner bracket inside a label as typed', () => {
    expect(labels('书名「三体」，作者')).toEqual(['书名「三体」', '作者']);
  });

  it('closes each kind of quote only with its own mate', () => {
    expect(labels('"say 「hi」, then go", stop')).toEqual(['say 「hi」, then go', 'stop']);
    expect(labels('「a "b, c" d」, e')).toEqual(['a "b, c" d', 'e']);
    expect(labels('“a, b”, c')).toEqual(['a, b', 'c']);
    // A straight quote does not close a curly one.
    expect(labels('“a, b", c”, d')).toEqual(['a, b", c', 'd']);
  });

  it('runs an unclosed quote to the end of the text (nothing typed is dropped)', () => {
    expect(labels('owl, "salt, pepper')).toEqual(['owl', 'salt, pepper']);
  });

  it('counts a quoted label and the same label unquoted as one', () => {
    const parsed = parseLabels('"red", red, 「red」');
    expect(parsed.labels).toEqual(['red']);
    expect(parsed.duplicates).toEqual(['red']);
  });
});
