import { describe, expect, it } from 'vitest';
import { Turns } from './turns.ts';

describe('Turns', () => {
  it('runs each piece of work after the one before has settled, a failure included', async () => {
    const turns = new Turns();
    const order: string[] = [];
    const slow = turns.run(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('slow');
      throw new Error('failed');
    });
    const next = turns.run(async () => {
      order.push('next');
      return 2;
    });
    await expect(slow).rejects.toThrow('failed');
    expect(await next).toBe(2);
    expect(order).toEqual(['slow', 'next']);
  });
});
