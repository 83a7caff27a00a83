import { describe, expect, it } from 'vitest';
import { messagesFor } from './locales.ts';

describe('locales', () => {
  it('translates every message into Chinese (none left in English)', () => {
    const en = messagesFor('en');
    const zh = messagesFor('zh');
    const same = Object.keys(en).filter((key) => {
      const [a, b] = [en[key as keyof typeof en], zh[key as keyof typeof zh]];
      if (typeof a === 'string') return a === b;
      // Groups of names (a table's columns): any one left in English counts.
      if (typeof a === 'object')
        return Object.entries(a).some(([name, text]) => (b as Record<string, string>)[name] === text);
      // Functions: compare what they say for sample arguments.
      const lists = [
        'repairedNotice',
        'storedGraphRejected',
        'mergedDuplicates',
        'reasonNotImage',
        'alsoAddedAs',
        'restoreFolders',
      ];
      const numbers = ['pace', 'cutoffValue', 'matchCounts', 'ofCount', 'correctionsInUse'];
      const args = lists.includes(key)
        ? [['x', 'z'], 'y']
        : key === 'webgpuSelfCheck'
          ? [{ output: 'image', cosine: 0.5, needed: 0.99 }]
          : key === 'reasonUnsupported'
            ? ['x', ['y', 'z']]
            : numbers.includes(key)
              ? [2.5, 95]
              : key === 'whereStrongest'
                ? ['x', 1, 2]
                : key === 'labelsTooLong'
                  ? [[{ start: 'x', length: 400 }], 300]
                  : ['x', 2, 'y', 3, 4];
      const sample = (f: unknown) => String((f as (...args: unknown[]) => unknown)(...args));
      return sample(a) === sample(b);
    });
    expect(same).toEqual([]);
  });

  it('says the pace and the time left in both languages', () => {
    expect(messagesFor('en').pace(2.46, 75)).toBe('2.5 images/s, about 1 min 15 s left');
    expect(messagesFor('en').pace(31.4, 4000)).toBe('31 images/s, about 1 h 6 min left');
    expect(messagesFor('zh').pace(2.46, 20)).toBe('每秒 2.5 张，大约还需 20 秒');
  });

  it('says numbers and names in both languages', () => {
    expect(messagesFor('en').imagesHeading(1)).toBe('1 image');
    expect(messagesFor('en').imagesHeading(3)).toBe('3 images');
    expect(messagesFor('zh').imagesHeading(3)).toBe('3 张图片');
    expect(messagesFor('zh').scoresFor('猫.png')).toBe('猫.png 的分数');
  });
});
