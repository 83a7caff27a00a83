/**
 * What the benchmark watches in the app's page: main-thread blocking, the "N of N images
 * classified." announcement with score lists on screen, and an exported result.
 */
import type { Locator, Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';

/**
 * Installed before the app runs. Long tasks (over 50 ms) come from the Long Tasks API; a 16 ms
 * interval's lateness catches shorter blocking too, so a quiet page still reads a positive figure.
 */
export async function watchMainThread(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const blocks: { start: number; duration: number }[] = [];
    (window as unknown as { mainThreadBlocks: typeof blocks }).mainThreadBlocks = blocks;
    // Long animation frames say what a long task was made of (scripts, or style, layout and paint).
    const frames: { start: number; duration: number; scripts: string[] }[] = [];
    (window as unknown as { longFrames: typeof frames }).longFrames = frames;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & {
        scripts?: { invoker: string; duration: number }[];
      })[]) {
        const scripts = (entry.scripts ?? []).map((s) => `${s.invoker} ${Math.round(s.duration)} ms`);
        frames.push({ start: entry.startTime, duration: entry.duration, scripts });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) blocks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      const late = now - last - 16;
      if (late > 1) blocks.push({ start: last + 16, duration: late });
      last = now;
    }, 16);
  });
}

export interface AnimationFrame {
  start: number;
  duration: number;
  scripts: string[];
}

/** The longest animation frame that overlapped [from, to], with the scripts it ran (null: none over 50 ms). */
export function worstFrame(page: Page, from: number, to: number): Promise<AnimationFrame | null> {
  return page.evaluate(
    ({ from, to }) =>
      (window as unknown as { longFrames: AnimationFrame[] }).longFrames
        .filter((f) => f.start + f.duration >= from && f.start <= to)
        .sort((a, b) => b.duration - a.duration)[0] ?? null,
    { from, to },
  );
}

/** The longest main-thread block (ms) that overlapped [from, to] in page time. */
export function longestBlock(page: Page, from: number, to: number): Promise<number> {
  return page.evaluate(
    ({ from, to }) => {
      const durations = (
        window as unknown as { mainThreadBlocks: { start: number; duration: number }[] }
      ).mainThreadBlocks
        .filter((t) => t.start + t.duration >= from && t.start <= to)
        // Only the part inside [from, to]: the task that hands the files to the input (Playwright's, before
        // the change event) is not the app's.
        .map((t) => Math.min(t.start + t.duration, to) - Math.max(t.start, from));
      // Nothing recorded at all is no reading, not a perfect one.
      return durations.length > 0 ? Math.max(...durations) : Number.NaN;
    },
    { from, to },
  );
}

/**
 * Resolves (page time) once the page announces "`images` of `images` images classified.", shows
 * at least one score list, every score list on screen has `labels` items (among them `withLabel`
 * where given: a half-typed label must not pass for it), and no view is catching up.
 */
export function classifiedShown(page: Page, images: number, labels: number, withLabel = ''): Promise<number> {
  return page.evaluate(
    ({ images, labels, withLabel }) =>
      new Promise<number>((resolve) => {
        const announcement = `${images} of ${images} images classified.`;
        const done = () => {
          const lists = [...document.querySelectorAll('ol[aria-label^="Scores for "]')];
          return (
            [...document.querySelectorAll('[aria-live]')].some((el) => el.textContent === announcement) &&
            lists.length > 0 &&
            lists.every(
              (ol) =>
                ol.children.length === labels &&
                (withLabel === '' || [...ol.children].some((li) => li.textContent?.startsWith(`${withLabel} `))),
            ) &&
            // A closed dialog's placeholder (Trash, Find duplicates: "…" until opened) is no view catching up.
            [...document.querySelectorAll('[aria-busy="true"]')].every((el) => el.closest('dialog:not([open])'))
          );
        };
        if (done()) resolve(performance.now());
        const observer = new MutationObserver(() => {
          if (!done()) return;
          observer.disconnect();
          resolve(performance.now());
        });
        observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      }),
    { images, labels, withLabel },
  );
}

/**
 * Types `text` at the end of a text box key by key, as a person does (each key its own input
 * event, so the app's typing debounce and preparation run as they do for a person), and returns
 * the page time of the last keystroke's keydown.
 */
export async function typeAtEnd(box: Locator, text: string): Promise<number> {
  await box.evaluate((el) =>
    el.addEventListener('keydown', () => ((window as unknown as { lastKey: number }).lastKey = performance.now()), {
      capture: true,
    }),
  );
  await box.focus();
  await box.press('End');
  await box.pressSequentially(text);
  return box.evaluate(() => (window as unknown as { lastKey: number }).lastKey);
}

/** Each image's scores by label, by file name, from the app's own JSON export. */
export async function exportedScores(page: Page): Promise<Map<string, Record<string, number>>> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export JSON' }).click(),
  ]);
  const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as {
    images: { file: string; scores: { label: string; score: number }[] }[];
  };
  return new Map(
    exported.images.map((image) => [image.file, Object.fromEntries(image.scores.map((s) => [s.label, s.score]))]),
  );
}
