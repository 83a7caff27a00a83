import { describe, expect, it } from 'vitest';
import { abortError, deserializeError, isAbortError, serializeError } from './protocol.ts';

describe('protocol errors', () => {
  it('cross as {name, message} and are rebuilt with their name', () => {
    const original = new TypeError('Failed to fetch');
    const wire = serializeError(original);
    expect(wire).toEqual({ name: 'TypeError', message: 'Failed to fetch' });
    const rebuilt = deserializeError(structuredClone(wire));
    expect(rebuilt).toBeInstanceOf(Error);
    expect(rebuilt.name).toBe('TypeError');
    expect(rebuilt.message).toBe('Failed to fetch');
  });

  it('turn thrown non-errors into messages', () => {
    expect(serializeError('boom')).toEqual({ name: 'Error', message: 'boom' });
  });

  it('recognise aborts on both sides', () => {
    expect(isAbortError(abortError())).toBe(true);
    expect(isAbortError(deserializeError(serializeError(abortError())))).toBe(true);
    expect(isAbortError(new Error('x'))).toBe(false);
  });
});
