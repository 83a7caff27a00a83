import { describe, expect, it } from 'vitest';
import { decodeUriComponentSafely } from './uri.ts';

describe('decodeUriComponentSafely', () => {
  it('decodes well-formed escapes as decodeURIComponent does', () => {
    expect(decodeUriComponentSafely('red%20fox%E2%80%99s.jpg')).toBe('red fox’s.jpg');
    expect(decodeUriComponentSafely('onnx/model.onnx')).toBe('onnx/model.onnx');
  });

  it('never throws on a malformed escape, keeping what it cannot decode', () => {
    expect(decodeUriComponentSafely('%')).toBe('%');
    expect(decodeUriComponentSafely('100%zz')).toBe('100%zz');
    expect(decodeUriComponentSafely('a%20b%E0%A4%A')).toBe('a b%E0%A4%A');
    expect(decodeUriComponentSafely('%E0%A4%20x')).toBe('%E0%A4 x');
    expect(decodeUriComponentSafely('%C3%A9t%C3%A9 %')).toBe('été %');
  });
});
