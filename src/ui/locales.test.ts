import { describe, expect, it } from 'vitest';
import { messagesFor } from './locales.ts';

describe('locales', () => {
  it('translates every message into Chinese (none left in English)', () => {
    const en = messagesFor('en');
    const zh = messagesFor('zh');
    const same = Object.keys(en).filter((key) => {
      const [a, b] = [en[key as keyof typeof en], zh[key as keyof typeof zh]];
      if (typeof a === 'string') return a === b;
      // Functions: compare what they say for sample arguments.
      const lists = ['repairedNotice', 'mergedDuplicates', 'reasonNotImage'];
      const args = lists.includes(key)
        ? [['x', 'z'], 'y']
        : key === 'reasonUnsupported'
          ? ['x', ['y', 'z']]
          : ['x', 2, 'y', 3, 4];
      const sample = (f: unknown) => String((f as (...args: unknown[]) => unknown)(...args));
      return sample(a) === sample(b);
    });
    expect(same).toEqual([]);
  });

  it('says numbers and names in both languages', () => {
    expect(messagesFor('en').imagesHeading(1)).toBe('1 image');
    expect(messagesFor('en').imagesHeading(3)).toBe('3 images');
    expect(messagesFor('zh').imagesHeading(3)).toBe('3 张图片');
    expect(messagesFor('zh').scoresFor('猫.png')).toBe('猫.png 的分数');
  });
});
