import { describe, expect, it } from 'vitest';
import { Duplicates } from './duplicates.ts';
import { RequestError } from './worker-client.ts';

describe('Duplicates', () => {
  it('asks at the cutoff, asks again when it moves, and keeps the newest answer', async () => {
    const asked: number[] = [];
    const part = new Duplicates({
      findDuplicates: (cutoff) => {
        asked.push(cutoff);
        return Promise.resolve(cutoff > 0.99 ? [['a', 'b']] : [['a', 'b', 'c']]);
      },
    });
    let changes = 0;
    part.subscribe(() => changes++);
    expect(part.getSnapshot().groups).toBeNull();
    await part.find();
    expect(part.getSnapshot()).toMatchObject({ groups: [['a', 'b']], busy: false, failure: null });
    part.setCutoff(0.95);
    await Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(asked).toEqual([0.998, 0.95]);
    expect(part.getSnapshot().groups).toEqual([['a', 'b', 'c']]);
    expect(changes).toBeGreaterThan(2);
    part.dispose();
  });

  it('shows a failure as data', async () => {
    const part = new Duplicates({
      findDuplicates: () => Promise.reject(new RequestError({ code: 'failed', detail: 'database closed' })),
    });
    await part.find();
    expect(part.getSnapshot()).toMatchObject({ busy: false, failure: { code: 'failed', detail: 'database closed' } });
  });
});
