/** Images per second over the recent past, and the time left at that pace. */

/** Long enough to smooth batch-to-batch noise, short enough to follow a change of pace. */
const WINDOW_MS = 15_000;

export class Throughput {
  private readonly events: { at: number; count: number }[] = [];

  constructor(private readonly now: () => number) {}

  reset(): void {
    this.events.length = 0;
  }

  /** `count` images were encoded just now. */
  add(count: number): void {
    const at = this.now();
    this.events.push({ at, count });
    while (this.events.length > 0 && this.events[0].at < at - WINDOW_MS) this.events.shift();
  }

  /** The pace since the first recent batch; null until two batches have come. */
  pace(remaining: number): { imagesPerSecond: number; secondsLeft: number } | null {
    if (this.events.length < 2) return null;
    const first = this.events[0];
    const last = this.events[this.events.length - 1];
    const seconds = (last.at - first.at) / 1000;
    if (seconds <= 0) return null;
    // The first batch marks the start: the images counted are those that came after it.
    const images = this.events.slice(1).reduce((sum, event) => sum + event.count, 0);
    const imagesPerSecond = images / seconds;
    return { imagesPerSecond, secondsLeft: remaining / imagesPerSecond };
  }
}
