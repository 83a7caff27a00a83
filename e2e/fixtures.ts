/** Page objects and fixtures for the end-to-end tests. */
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import type { ImageFile } from './images.ts';

export const FIXTURE_URL = '/?host=/models&model=fixtures/clip-colors';

export class ClassifierPage {
  readonly status: Locator;
  readonly fileInput: Locator;
  readonly labels: Locator;
  readonly dropZone: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByRole('status');
    this.fileInput = page.getByLabel('Add images');
    this.labels = page.getByLabel('Candidate labels');
    this.dropZone = page.getByRole('button', { name: /drop zone/i });
  }

  async open(url = FIXTURE_URL): Promise<void> {
    await this.page.goto(url);
  }

  async openReady(url = FIXTURE_URL): Promise<void> {
    await this.open(url);
    await expect(this.status).toContainText('Model ready');
  }

  async addImages(files: ImageFile[]): Promise<void> {
    await this.fileInput.setInputFiles(files);
  }

  /** A real drop: a DataTransfer holding the files, dispatched on the drop zone. */
  async dropImages(files: ImageFile[]): Promise<void> {
    const payload = files.map((f) => ({ name: f.name, type: f.mimeType, base64: f.buffer.toString('base64') }));
    const dataTransfer = await this.page.evaluateHandle((items) => {
      const transfer = new DataTransfer();
      for (const item of items) {
        const bytes = Uint8Array.from(atob(item.base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], item.name, { type: item.type }));
      }
      return transfer;
    }, payload);
    await this.dropZone.dispatchEvent('dragenter', { dataTransfer });
    await this.dropZone.dispatchEvent('dragover', { dataTransfer });
    await this.dropZone.dispatchEvent('drop', { dataTransfer });
  }

  async typeLabels(text: string): Promise<void> {
    await this.labels.fill(text);
  }

  scores(fileName: string): Locator {
    return this.page.getByRole('list', { name: `Scores for ${fileName}` }).getByRole('listitem');
  }

  /** Asserts the exact order of labels for an image, each shown with a one-decimal percentage. */
  async expectRanking(fileName: string, labels: string[]): Promise<void> {
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await expect(this.scores(fileName)).toHaveText(labels.map((l) => new RegExp(`^${escape(l)} \\d{1,3}\\.\\d%$`)));
  }

  async expectTopLabel(fileName: string, label: string): Promise<void> {
    await expect(this.scores(fileName).first()).toHaveText(new RegExp(`^${label} \\d{1,3}\\.\\d%$`));
  }

  cards(): Locator {
    return this.page.getByRole('article');
  }
}

export const test = base.extend<{ app: ClassifierPage }>({
  app: async ({ page }, use) => {
    await use(new ClassifierPage(page));
  },
});

export { expect };
