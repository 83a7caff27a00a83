/**
 * The photo tool (issue 24): photos first on every screen, the viewer, the keyboard grid with range
 * selection, `Open folder` from the keyboard, and axe in every new state. Screenshots of each state
 * are saved under test-results/screenshots/photo-tool/.
 */
import AxeBuilder from '@axe-core/playwright';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test, type ClassifierPage } from './fixtures.ts';
import { COLOURS, solidImage, type ImageFile, type Rgb } from './images.ts';
import { folderInBrowser, pickerAnswers } from './folders.ts';

const FIVE: [string, Rgb][] = [
  ['red', COLOURS.red],
  ['green', COLOURS.green],
  ['blue', COLOURS.blue],
  ['yellow', COLOURS.yellow],
  ['sky', [90, 160, 240]],
];

/** Five solid photos with names made fresh for this run, in the order they are added. */
async function fivePhotos(): Promise<ImageFile[]> {
  const tag = Math.random().toString(36).slice(2, 7);
  return Promise.all(FIVE.map(([name, rgb]) => solidImage(`${name}-${tag}`, rgb)));
}

async function libraryOfFive(app: ClassifierPage, page: Page, query = ''): Promise<ImageFile[]> {
  await page.goto(`/?host=/models&model=fixtures/clip-colors&labels=red,green,blue,yellow${query}`);
  const photos = await fivePhotos();
  await app.addImages(photos);
  for (const photo of photos) await expect(app.scores(photo.name)).toHaveCount(4);
  return photos;
}

async function firstThumbnailTop(page: Page): Promise<number> {
  const box = await page.getByRole('group', { name: 'Photos' }).locator('button.thumb').first().boundingBox();
  if (!box) throw new Error('no thumbnail on the page');
  return box.y + (await page.evaluate(() => window.scrollY));
}

async function expectNoSeriousViolations(page: Page, state: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map(({ id, impact, nodes }) => `${impact} ${id}: ${nodes.map((n) => n.target.join(' ')).join(', ')}`),
    state,
  ).toEqual([]);
}

async function screenshot(page: Page, state: string, testInfo: TestInfo): Promise<void> {
  const path = join(testInfo.project.outputDir, 'screenshots', 'photo-tool', `${state}.png`);
  await page.screenshot({ path });
}

for (const { width, height, limit } of [
  { width: 1280, height: 720, limit: 300 },
  { width: 390, height: 844, limit: 420 },
]) {
  test(`with five photos at ${width} × ${height} the first thumbnail starts within ${limit} px`, async ({
    app,
    page,
  }, testInfo) => {
    await page.setViewportSize({ width, height });
    await libraryOfFive(app, page);
    const top = await firstThumbnailTop(page);
    testInfo.annotations.push({ type: 'first thumbnail top', description: `${Math.round(top)} px` });
    expect(top).toBeLessThanOrEqual(limit);
    // The contract's names stay in the page without opening anything.
    await expect(app.labels).toBeVisible();
    await expect(app.fileInput).toHaveCount(1);
    // Everything else is one Tools press away (docked open on a wide screen).
    if (width < 1100) {
      await expect(page.getByRole('button', { name: 'Export CSV' })).toBeHidden();
      await page.getByRole('button', { name: 'Tools', exact: true }).click();
    }
    for (const name of ['Export CSV', 'Export JSON', 'Clear all', 'Open folder', 'Download as ZIP', 'Trash']) {
      await expect(page.getByRole('button', { name, exact: true })).toBeVisible();
    }
    await expect(page.getByRole('slider', { name: 'No-match cutoff' })).toBeVisible();
    await expect(page.getByLabel('Prompt template')).toBeVisible();
    if (width < 1100) {
      // An overlay drawer takes focus and gives it back on Escape.
      await expect(page.getByRole('complementary', { name: 'Tools' }).locator(':focus')).toHaveCount(1);
      await page.keyboard.press('Escape');
      await expect(page.getByRole('button', { name: 'Export CSV' })).toBeHidden();
      await expect(page.getByRole('button', { name: 'Tools', exact: true })).toBeFocused();
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await screenshot(page, `photos-${width}`, testInfo);
  });
}

test('a thumbnail opens the viewer named after its file; arrows step, Escape returns to the grid', async ({
  app,
  page,
}, testInfo) => {
  const photos = await libraryOfFive(app, page);
  const [first, second, third] = photos.map((photo) => photo.name);
  await page.getByRole('group', { name: 'Photos' }).getByRole('img', { name: first }).click();
  const viewer = page.getByRole('dialog', { name: first });
  await expect(viewer).toBeVisible();
  await expect(viewer.getByRole('list', { name: `Scores for ${first}` }).getByRole('listitem')).toHaveCount(4);
  await expect(
    viewer
      .getByRole('list', { name: `Scores for ${first}` })
      .getByRole('listitem')
      .first(),
  ).toHaveText(/^red \d{1,3}\.\d%$/);
  await expect(viewer.getByLabel(`Correct label for ${first}`)).toBeVisible();
  await expect(viewer.getByRole('button', { name: `More like ${first}` })).toBeVisible();
  await expect(viewer.getByRole('button', { name: /^Where does/ })).toBeVisible();
  await expect(viewer.getByRole('img', { name: first })).toBeVisible();
  await screenshot(page, 'viewer-1280', testInfo);

  await page.keyboard.press('ArrowRight');
  const next = page.getByRole('dialog', { name: second });
  await expect(
    next
      .getByRole('list', { name: `Scores for ${second}` })
      .getByRole('listitem')
      .first(),
  ).toHaveText(/^green /);
  await next.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('dialog', { name: third })).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('dialog', { name: second })).toBeVisible();
  // A correction made in the viewer is the card's correction.
  await page.getByRole('dialog', { name: second }).getByLabel(`Correct label for ${second}`).selectOption('yellow');
  await expect(page.getByRole('dialog', { name: second }).getByLabel(`Correct label for ${second}`)).toHaveValue(
    'yellow',
  );

  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  // Back in the grid on the photo last shown.
  await expect(page.getByRole('group', { name: 'Photos' }).locator('button.thumb').nth(1)).toBeFocused();
  await expect(page.getByRole('article', { name: second }).getByLabel(`Correct label for ${second}`)).toHaveValue(
    'yellow',
  );
});

test('the grid is one tab stop: arrows move, Space and Shift select a range, Ctrl+A all, Enter opens', async ({
  app,
  page,
}) => {
  const photos = await libraryOfFive(app, page);
  const names = photos.map((photo) => photo.name);
  const thumbs = page.getByRole('group', { name: 'Photos' }).locator('button.thumb');
  await expect(thumbs).toHaveCount(5);
  // One tab stop: exactly one thumbnail is in the tab order.
  await expect(page.getByRole('group', { name: 'Photos' }).locator('[tabindex="0"]')).toHaveCount(1);
  await thumbs.first().focus();
  await page.keyboard.press('ArrowRight');
  await expect(thumbs.nth(1)).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page.getByRole('checkbox', { name: `Select ${names[1]}` })).toBeChecked();
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await expect(thumbs.nth(3)).toBeFocused();
  for (const [i, name] of names.entries()) {
    const box = page.getByRole('checkbox', { name: `Select ${name}` });
    if (i >= 1 && i <= 3) await expect(box).toBeChecked();
    else await expect(box).not.toBeChecked();
  }
  await expect(page.getByRole('group', { name: 'Selected images' })).toContainText('3 selected');
  await page.keyboard.press('End');
  await expect(thumbs.nth(4)).toBeFocused();
  await page.keyboard.press('Home');
  await expect(thumbs.first()).toBeFocused();
  await page.keyboard.press('Control+a');
  await expect(page.getByRole('group', { name: 'Selected images' })).toContainText('5 selected');
  // Shift-click from the anchor adds a range too; Escape clears the selection.
  await page.keyboard.press('Escape');
  await expect(page.getByRole('group', { name: 'Selected images' })).toHaveCount(0);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: names[0] })).toBeVisible();
  await page.keyboard.press('Escape');
  await thumbs.nth(2).click({ modifiers: ['Shift'] });
  await expect(page.getByRole('group', { name: 'Selected images' })).toContainText('3 selected');
  // The selection acts through the tools: removing it sends those three to the trash.
  await page.getByRole('button', { name: 'Remove selected' }).click();
  await expect(thumbs).toHaveCount(2);
  await expect(page.getByRole('button', { name: 'Undo' })).toBeVisible();
});

test('"Open folder" is a real button: the keyboard opens the same picker as a click, and the folder is kept', async ({
  app,
  page,
}) => {
  const folder = `trip-${Math.random().toString(36).slice(2, 7)}`;
  await pickerAnswers(page, folder);
  await page.goto('/?host=/models&model=fixtures/clip-colors&labels=red,green,blue');
  await folderInBrowser(page, folder, [await solidImage('beach', COLOURS.red)]);
  const button = page.getByRole('button', { name: 'Open folder', exact: true });
  await button.focus();
  await page.keyboard.press('Enter');
  await app.expectTopLabel('beach.png', 'red');
  // The picker with a handle, so the folder can be rescanned: the old input would keep nothing.
  await expect(page.getByRole('button', { name: `Rescan ${folder}` })).toBeVisible();
});

for (const { width, height } of [
  { width: 1280, height: 720 },
  { width: 390, height: 844 },
]) {
  for (const scheme of ['light', 'dark'] as const) {
    for (const lang of ['en', 'zh'] as const) {
      test(`axe finds no serious violation: empty, photos, viewer, tools (${width} px, ${scheme}, ${lang})`, async ({
        page,
      }, testInfo) => {
        test.slow();
        const state = `${width}-${scheme}-${lang}`;
        await page.setViewportSize({ width, height });
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(`/?host=/models&model=fixtures/clip-colors&lang=${lang}`);
        await expect(page.getByRole('status')).toContainText(lang === 'en' ? 'Model ready' : '模型');
        await expectNoSeriousViolations(page, `empty ${state}`);
        await screenshot(page, `empty-${state}`, testInfo);
        await page.goto(`/?host=/models&model=fixtures/clip-colors&lang=${lang}&labels=red,green,blue,yellow`);
        const photos = await fivePhotos();
        await page.getByLabel(lang === 'en' ? 'Add images' : '添加图片').setInputFiles(photos);
        const thumbs = page.locator('button.thumb img');
        await expect(thumbs).toHaveCount(5);
        await expect(page.locator('.card[aria-busy="true"]')).toHaveCount(0);
        await expectNoSeriousViolations(page, `photos ${state}`);
        await screenshot(page, `photos-${state}`, testInfo);
        await thumbs.first().click();
        await expect(page.getByRole('dialog')).toBeVisible();
        await expectNoSeriousViolations(page, `viewer ${state}`);
        await screenshot(page, `viewer-${state}`, testInfo);
        await page.keyboard.press('Escape');
        await expect(page.getByRole('dialog')).toHaveCount(0);
        if (width < 1100)
          await page.getByRole('button', { name: lang === 'en' ? 'Tools' : '工具', exact: true }).click();
        await expect(page.getByRole('complementary')).toBeVisible();
        await expectNoSeriousViolations(page, `tools ${state}`);
        await screenshot(page, `tools-${state}`, testInfo);
      });
    }
  }
}
