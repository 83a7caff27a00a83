import { describe, expect, it } from 'vitest';
import { labelLanguage, mostlyLanguage } from './label-script.ts';

describe('label languages', () => {
  it('reads each label by the script most of its letters are in', () => {
    expect(labelLanguage('红')).toBe('zh');
    expect(labelLanguage('品红')).toBe('zh');
    expect(labelLanguage('yellow')).toBe('en');
    expect(labelLanguage('café')).toBe('en');
    expect(labelLanguage('T恤衫')).toBe('zh');
    expect(labelLanguage('42')).toBeNull();
  });

  it('finds the language of most labels', () => {
    expect(mostlyLanguage(['红', '绿', '蓝', 'yellow'])).toBe('zh');
    expect(mostlyLanguage(['owl', 'fox', '海鸥'])).toBe('en');
    expect(mostlyLanguage(['owl', '狐狸'])).toBeNull();
    expect(mostlyLanguage([])).toBeNull();
  });
});
