/**
 * Notices a hung worker without waiting for a cancel: while the worker has work, the page pings
 * it every few seconds and the worker answers at once, from its message loop. ONNX Runtime's run
 * holds the worker's thread for a whole vision pass (and session creation for a whole graph), so a
 * live worker may be silent for a long stretch: the worker counts as hung only after a silence of
 * HANG_FLOOR_MS, or HANG_FACTOR times the longest silence it came back from, whichever is longer.
 * A stretch in which the page itself was asleep (a frozen or throttled tab) counts for nothing.
 */

/** How often a busy worker is pinged. */
export const PING_MS = 5_000;
/**
 * The shortest silence taken for a hang: a batch of 4 ViT-L/14 fp32 vision passes on WASM on a
 * slow 2-core machine, the longest stretch this app's worker holds its thread, takes tens of seconds.
 */
export const HANG_FLOOR_MS = 90_000;
/** A silence this many times the longest one the worker came back from is a hang (the machine may be busier now). */
export const HANG_FACTOR = 4;

export interface HeartbeatClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const REAL_CLOCK: HeartbeatClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

export class Heartbeat {
  private timer: unknown = null;
  /** When the unanswered ping was sent (null: none is out). */
  private waitingSince: number | null = null;
  /** When the last tick ran: a tick far later than planned means the page slept. */
  private lastTick = 0;
  /** The longest silence the worker came back from: its longest pass on this machine, measured. */
  private longestAnswered = 0;

  constructor(
    private readonly ping: () => void,
    private readonly onHung: (silentMs: number) => void,
    private readonly clock: HeartbeatClock = REAL_CLOCK,
  ) {}

  /** The silence after which the worker counts as hung. */
  get threshold(): number {
    return Math.max(HANG_FLOOR_MS, HANG_FACTOR * this.longestAnswered);
  }

  /** Pings while work is pending (idempotent). */
  start(): void {
    if (this.timer !== null) return;
    this.lastTick = this.clock.now();
    this.schedule();
  }

  /** No work pending: nothing to watch (an idle worker's hang harms nobody until it has work). */
  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.waitingSince = null;
  }

  /** A fresh worker: what was measured of the old one still holds (same machine, same model). */
  reset(): void {
    this.stop();
  }

  /** The worker answered a ping. */
  answered(): void {
    if (this.waitingSince === null) return;
    this.longestAnswered = Math.max(this.longestAnswered, this.clock.now() - this.waitingSince);
    this.waitingSince = null;
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => this.tick(), PING_MS);
  }

  private tick(): void {
    const now = this.clock.now();
    const slept = now - this.lastTick > 3 * PING_MS;
    this.lastTick = now;
    if (slept) {
      // The page was frozen or throttled: the worker may have been too; start counting afresh.
      this.waitingSince = null;
    } else if (this.waitingSince !== null && now - this.waitingSince >= this.threshold) {
      const silent = now - this.waitingSince;
      this.stop();
      this.onHung(silent);
      return;
    }
    if (this.waitingSince === null) {
      this.waitingSince = now;
      this.ping();
    }
    this.schedule();
  }
}
