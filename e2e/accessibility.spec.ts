/**
 * Accessibility of the main states (axe-core: no serious or critical violation), keyboard use,
 * and screenshots of each state saved as test artifacts (test-results/screenshots/).
 */
import AxeBuilder from '@axe-core/playwright';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { expect, faultyHost, test } from './fixtures.ts';
import { COLOURS, solidImage } from './images.ts';

async function expectNoSeriousViolations(page: Page, state: string, testInfo: TestInfo): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  await testInfo.attach(`axe-${state}.json`, {
    body: JSON.stringify(
      results.violations.map(({ id, impact, nodes }) => ({ id, impact, nodes: nodes.length })),
      null,
      2,
    ),
    contentType: 'application/json',
  });
  expect(
    serious.map(({ id, impact, nodes }) => `${impact} ${id}: ${nodes.map((n) => n.target.join(' ')).join(', ')}`),
    state,
  ).toEqual([]);
}

async function screenshot(page: Page, state: string, testInfo: TestInfo): Promise<void> {
  const path = join(testInfo.project.outputDir, 'screenshots', `${state}.png`);
  const body = await page.screenshot({ path, fullPage: true });
  await testInfo.attach(`screenshot-${state}`, { body, contentType: 'image/png' });
}

for (const scheme of ['light', 'dark'] as const) {
  test(`main states have no serious accessibility violations (${scheme})`, async ({ app, page }, testInfo) => {
    await page.emulateMedia({ colorScheme: scheme });
    await app.openReady();
    await expectNoSeriousViolations(page, `empty-${scheme}`, testInfo);
    await screenshot(page, `empty-${scheme}`, testInfo);

    await app.typeLabels('red, green, blue, yellow');
    await app.addImages([await solidImage('red', COLOURS.red), await solidImage('sky', [90, 160, 240], 'jpeg')]);
    await app.expectTopLabel('red.png', 'red');
    await expect(app.scores('sky.jpg')).toHaveCount(4);
    await expectNoSeriousViolations(page, `results-${scheme}`, testInfo);
    await screenshot(page, `results-${scheme}`, testInfo);

    await page.getByRole('button', { name: 'Table' }).click();
    await expectNoSeriousViolations(page, `table-${scheme}`, testInfo);
  });
}

/** The names the states below go through, in each language. */
const TRASH_NAMES = {
  en: {
    add: 'Add images',
    scores: (name: string) => `Scores for ${name}`,
    select: 'Select red.png',
    remove: 'Remove selected',
    undo: 'Undo',
    trash: 'Trash',
    tools: 'Tools',
    close: 'Close',
  },
  zh: {
    add: '添加图片',
    scores: (name: string) => `${name} 的分数`,
    select: '选择 red.png',
    remove: '移除所选',
    undo: '撤销',
    trash: '回收站',
    tools: '工具',
    close: '关闭',
  },
} as const;

for (const { lang, scheme, width, height } of [
  { lang: 'en', scheme: 'light', width: 1280, height: 720 },
  { lang: 'zh', scheme: 'dark', width: 390, height: 844 },
] as const) {
  test(`a removal with Undo and the Trash dialog have no serious accessibility violations (${lang}, ${scheme}, ${width} px)`, async ({
    page,
  }, testInfo) => {
    const names = TRASH_NAMES[lang];
    const state = `${lang}-${scheme}-${width}`;
    await page.setViewportSize({ width, height });
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`/?host=/models&model=fixtures/clip-colors&lang=${lang}&labels=red,green,blue`);
    await page
      .getByLabel(names.add)
      .setInputFiles([await solidImage('red', COLOURS.red), await solidImage('sky', [90, 160, 240], 'jpeg')]);
    for (const name of ['red.png', 'sky.jpg']) {
      await expect(page.getByRole('list', { name: names.scores(name) }).getByRole('listitem')).toHaveCount(3);
    }
    await page.getByRole('checkbox', { name: names.select }).check();
    await page.getByRole('button', { name: names.remove }).click();
    await expect(page.getByRole('button', { name: names.undo })).toBeVisible();
    await expectNoSeriousViolations(page, `undo-${state}`, testInfo);
    await screenshot(page, `undo-${state}`, testInfo);

    // Below 1,100 px the trash is in the Tools drawer.
    if (width < 1100) await page.getByRole('button', { name: names.tools, exact: true }).click();
    await page.getByRole('button', { name: names.trash, exact: true }).click();
    const trash = page.getByRole('dialog', { name: names.trash });
    await expect(trash.getByRole('listitem')).toHaveCount(1);
    await expectNoSeriousViolations(page, `trash-${state}`, testInfo);
    await screenshot(page, `trash-${state}`, testInfo);
    await trash.getByRole('button', { name: names.close }).click();
    await expect(trash).toHaveCount(0);
  });
}

test('the consent dialog, loading with progress and an error have no serious accessibility violations', async ({
  app,
  page,
}, testInfo) => {
  const server = faultyHost(testInfo);
  await server.fault('onnx/vision_model_quantized.onnx', 'stall');
  await app.open(server.url);
  // Another origin: the consent dialog first, checked too.
  await expect(app.consentDialog()).toBeVisible();
  await expectNoSeriousViolations(page, 'consent', testInfo);
  await screenshot(page, 'consent', testInfo);
  await app.acceptDownload();
  await expect(page.getByRole('progressbar', { name: 'Model download' })).toBeVisible();
  await expectNoSeriousViolations(page, 'loading', testInfo);
  await screenshot(page, 'loading', testInfo);

  await app.open('/?host=/models&model=fixtures/text-only');
  await expect(page.getByRole('alert')).toBeVisible();
  await expectNoSeriousViolations(page, 'error', testInfo);
  await screenshot(page, 'error', testInfo);
});

test('phone-sized screens get a one-column layout without sideways scrolling', async ({ app, page }, testInfo) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await app.openReady();
  await app.typeLabels('red, green, blue');
  await app.addImages([await solidImage('red', COLOURS.red)]);
  await app.expectTopLabel('red.png', 'red');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await screenshot(page, 'results-phone', testInfo);
});

test('everything works from the keyboard: the drop zone opens the picker, results are announced', async ({
  app,
  page,
}) => {
  await app.openReady();
  // Listening before the key press: Playwright starts intercepting file choosers only once someone listens.
  const chooserShown = page.waitForEvent('filechooser');
  const dropZone = app.dropZone;
  await dropZone.focus();
  await expect(dropZone).toBeFocused();
  await page.keyboard.press('Enter');
  const chooser = await chooserShown;
  await chooser.setFiles([
    { name: 'keyboard.png', mimeType: 'image/png', buffer: (await solidImage('k', COLOURS.blue)).buffer },
  ]);
  await app.labels.focus();
  await page.keyboard.type('red, green, blue');
  await app.expectTopLabel('keyboard.png', 'blue');
  await expect(page.locator('[aria-live="polite"]').filter({ hasText: /classified/ })).toContainText(
    '1 of 1 images classified',
  );
});
