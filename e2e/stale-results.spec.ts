import { expect, test } from './fixtures.ts';
import { COLOURS, solidImage, type Rgb } from './images.ts';

const FIRST = ['red', 'green', 'blue'];
const SECOND = ['cyan', 'magenta', 'yellow'];
const LAST = ['white', 'black'];

interface Shown {
  name: string;
  labels: string[];
}

declare global {
  interface Window {
    shownScores: Shown[];
    staleShown: Shown[];
  }
}

// Tall enough that every card of the 24 is on screen, so every score list the page shows is recorded.
test.use({ viewport: { width: 1280, height: 2600 } });

test('scores for labels replaced while a run is going are never shown as current', async ({ app, page }) => {
  test.slow();
  // Every score list the cards show as current, each time the page changes.
  await page.addInitScript(() => {
    window.shownScores = [];
    window.staleShown = [];
    const last = new Map<string, string>();
    const record = () => {
      for (const list of document.querySelectorAll('ol[aria-label^="Scores for "]')) {
        // The library view marked busy keeps the last labels' scores, dimmed, while new ones are computed (the
        // relabel hold): those are not offered as current. A card itself is never busy while it shows scores.
        const busy = list.closest('[aria-busy="true"]');
        if (busy && busy.tagName !== 'ARTICLE') continue;
        const name = (list.getAttribute('aria-label') ?? '').slice('Scores for '.length);
        const labels = [...list.querySelectorAll('.score-label')].map((label) => label.textContent ?? '');
        // The labels applied are the link's: a list with any others is stale scores shown as current.
        const applied = (new URLSearchParams(location.search).get('labels') ?? '').split(',').map((l) => l.trim());
        if ([...labels].sort().join() !== [...applied].sort().join()) window.staleShown.push({ name, labels });
        const key = `${name}\u0000${labels.join('\u0000')}`;
        if (last.get(name) === key) continue;
        last.set(name, key);
        window.shownScores.push({ name, labels });
      }
    };
    // The hold ending changes only an attribute: watched too, so the lists it uncovers are checked then.
    new MutationObserver(record).observe(document, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['aria-busy'],
    });
  });
  const colours = Object.entries(COLOURS);
  const files = await Promise.all(
    Array.from({ length: 24 }, (_, i) => {
      const [name, rgb] = colours[i % colours.length];
      const shade = rgb.map((c) => (c === 0 ? i : 255 - i)) as Rgb;
      return solidImage(`${name}-${i}`, shade, 'png');
    }),
  );
  const early = files.slice(0, 8);
  const late = files.slice(8);
  await app.openReady();
  await app.typeLabels(FIRST.join(', '));
  await app.addImages(early);
  await app.classifiedAll(8);

  // New labels typed while the next images' run is going, then others while the second labels' run is.
  await app.addImages(late);
  await app.typeLabels(SECOND.join(', '));
  await expect(page).toHaveURL(/labels=cyan/);
  await expect
    .poll(() =>
      page.evaluate(
        (names) => window.shownScores.some((s) => names.includes(s.name) && s.labels.includes('cyan')),
        late.map((f) => f.name),
      ),
    )
    .toBe(true);
  await app.typeLabels(LAST.join(', '));
  await expect(page).toHaveURL(/labels=white/);
  await app.classifiedAll(24);
  for (const file of files) await expect(app.scores(file.name)).toHaveCount(LAST.length);

  // At no moment did a card show scores for labels other than those applied then.
  expect(await page.evaluate(() => window.staleShown)).toEqual([]);
  const shown = await page.evaluate(() => window.shownScores);
  const setOf = (labels: string[]) =>
    [FIRST, SECOND, LAST].findIndex((set) => [...labels].sort().join() === [...set].sort().join());
  // Each list is wholly one set of labels, never a mix.
  for (const entry of shown) expect(setOf(entry.labels), JSON.stringify(entry)).toBeGreaterThanOrEqual(0);
  // The first images showed the first labels before the change: the recording saw them.
  expect(shown.filter((entry) => setOf(entry.labels) === 0).map((entry) => entry.name)).toEqual(
    expect.arrayContaining(early.map((file) => file.name)),
  );
  // Once a card shows a later set of labels, it never goes back to an earlier one.
  for (const file of files) {
    const order = shown.filter((entry) => entry.name === file.name).map((entry) => setOf(entry.labels));
    expect(order, file.name).toEqual([...order].sort((a, b) => a - b));
  }
});

test('scores of labels taken away are not shown, and come back from the library when the labels do', async ({
  app,
  page,
}) => {
  const files = await Promise.all(
    (['red', 'green', 'blue'] as const).map((name) => solidImage(`${name}-swatch`, COLOURS[name], 'png')),
  );
  await app.openReady();
  await app.typeLabels(FIRST.join(', '));
  await app.addImages(files);
  await app.classifiedAll(files.length);
  for (const file of files) await expect(app.scores(file.name)).toHaveCount(FIRST.length);

  // No labels: the scores on the cards are for labels no longer applied, so every card asks for labels instead.
  // No run starts (there is nothing to compute), so nothing but the freshness rule takes the old scores away.
  await app.typeLabels('');
  await expect(app.cards().filter({ hasText: 'Type candidate labels to classify this image.' })).toHaveCount(
    files.length,
  );
  await expect(page.getByRole('list', { name: /^Scores for / })).toHaveCount(0);

  // The same labels again: their scores are current again, from the stored embeddings.
  await app.typeLabels(FIRST.join(', '));
  for (const file of files) await expect(app.scores(file.name)).toHaveCount(FIRST.length);
  for (const file of files) await app.expectTopLabel(file.name, file.name.split('-')[0]);
});
