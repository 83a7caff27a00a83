/** Chromium's renderer processes as the benchmark and the measurements read them: CPU time and peak memory. */
import type { Browser } from '@playwright/test';
import { readFileSync } from 'node:fs';

/** Every renderer process's CPU time so far (s), by process id. */
export async function rendererCpu(browser: Browser): Promise<Map<number, number>> {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number; cpuTime: number }[];
  };
  await cdp.detach();
  return new Map(processInfo.filter((p) => p.type === 'renderer').map((p) => [p.id, p.cpuTime]));
}

/**
 * The renderer that did a run's work (the page and its workers, which Chromium runs in the page's
 * process): the one whose CPU time grew most between the two readings. Not "a renderer that did not
 * exist before": Chromium may put a new page into the process of a closed one of the same site, and
 * that rule then read a helper renderer that was new (157 MB).
 */
export function busiestRenderer(before: Map<number, number>, after: Map<number, number>): number | undefined {
  const [busiest] = [...after].sort(
    ([a, cpuA], [b, cpuB]) => cpuB - (before.get(b) ?? 0) - (cpuA - (before.get(a) ?? 0)),
  );
  return busiest?.[0];
}

/** A process's peak resident memory so far (VmHWM), in bytes. */
export function peakResidentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024;
}
