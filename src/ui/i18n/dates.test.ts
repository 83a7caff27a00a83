import { describe, expect, it } from 'vitest';
import { formatDateTime } from './dates.ts';

describe('formatDateTime', () => {
  const at = Date.UTC(2026, 11, 4, 12, 0);

  it('writes a date in the interface language, not the browser default', () => {
    expect(formatDateTime('zh', at)).toMatch(/2026年12月4日/);
    expect(formatDateTime('en', at)).toMatch(/Dec 4, 2026/);
  });
});
