/** The interface in Simplified Chinese for a Chinese-language browser, and the language switch. */
import { join } from 'node:path';
import { FIXTURE_URL, expect, test } from './fixtures.ts';
import { COLOURS, solidImage } from './images.ts';

test.use({ locale: 'zh-CN' });

test('a Chinese-language browser gets the Chinese interface, messages included; the switch changes it', async ({
  page,
}) => {
  await page.goto(FIXTURE_URL);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('零样本图像分类器');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hans');
  await expect(page.getByRole('status')).toContainText('模型就绪：fixtures/clip-colors', { timeout: 45_000 });
  await page.getByLabel('候选标签').fill('红色, red, green');
  await page
    .getByLabel('添加图片')
    .setInputFiles([
      await solidImage('红', COLOURS.red),
      { name: '不是图片.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('这不是图片'.repeat(30)) },
    ]);
  await expect(page.getByRole('list', { name: '红.png 的分数' }).getByRole('listitem').first()).toHaveText(
    /^red \d{1,3}\.\d%$/,
  );
  await expect(page.getByRole('alert')).toContainText('无法读取 不是图片.jpg');
  await expect(page.getByText(/编码了 \d+ 个提示/)).toBeVisible();
  await page.screenshot({ path: join(test.info().project.outputDir, 'screenshots', 'results-zh.png'), fullPage: true });

  await page.getByLabel(/语言/).selectOption('en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Zero-shot image classifier');
  await expect(page.getByRole('list', { name: 'Scores for 红.png' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Zero-shot image classifier');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test.describe('an English-language browser', () => {
  test.use({ locale: 'en-US' });

  test('?lang=zh gives the Chinese interface whatever the browser says', async ({ page }) => {
    await page.goto(`${FIXTURE_URL}&lang=zh`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('零样本图像分类器');
    await page.getByText('设置').click();
    await expect(page.getByLabel('模型目录')).toBeVisible();
  });
});
