/**
 * A classifier worker that dies or hangs is replaced: the model is loaded again from this device's
 * store and the work still pending is asked for again, so the next image still classifies.
 */
import type { Page, Worker } from '@playwright/test';
import { COLOURS, solidImage } from './images.ts';
import { expect, test, watchModelRequests } from './fixtures.ts';

function classifierWorker(page: Page): Worker {
  const worker = page.workers().find((w) => w.url().includes('classifier.worker'));
  if (!worker) throw new Error('no classifier worker');
  return worker;
}

test('a worker terminated by the test hook is replaced; the model reloads from storage and the next image classifies', async ({
  app,
  page,
}) => {
  await app.openReady();
  await app.typeLabels('red, green, blue');
  await app.addImages([await solidImage('before', COLOURS.red)]);
  await app.expectTopLabel('before.png', 'red');
  const old = classifierWorker(page);

  const requests = watchModelRequests(page);
  const crashed = await page.evaluate(() => {
    const hooks = (window as unknown as { __classifierTestHooks?: { crashWorker(): void } }).__classifierTestHooks;
    if (!hooks) return false;
    hooks.crashWorker();
    return true;
  });
  expect(crashed, 'the build has no test hooks: build it with VITE_TEST_HOOKS=1').toBe(true);
  await expect(
    page.getByText(/The classifier stopped unexpectedly \(the classifier was terminated by a test\)/),
  ).toBeVisible();
  await expect(app.status).toContainText('Model ready: fixtures/clip-colors');
  await expect.poll(() => page.workers().some((w) => w !== old && w.url().includes('classifier.worker'))).toBe(true);
  // From this device's store: nothing downloaded again.
  expect(requests.downloads).toEqual([]);

  await app.addImages([await solidImage('after', COLOURS.blue)]);
  await app.expectTopLabel('after.png', 'blue');
  await app.expectTopLabel('before.png', 'red');
});

test('an uncaught error in the worker replaces it, and an add pending at the time still finishes', async ({
  app,
  page,
}) => {
  await app.openReady();
  await app.typeLabels('red, green, blue');
  await app.addImages([await solidImage('first', COLOURS.green)]);
  await app.expectTopLabel('first.png', 'green');
  // The worker's thread is busy for 2 s, then throws: the add below waits unanswered until the crash.
  await classifierWorker(page).evaluate(() => {
    setTimeout(() => {
      const end = Date.now() + 2000;
      while (Date.now() < end);
      throw new Error('simulated crash');
    }, 0);
  });
  await app.addImages([await solidImage('second', COLOURS.red)]);
  await expect(page.getByText(/The classifier stopped unexpectedly \(.*simulated crash\)/)).toBeVisible();
  await expect(app.status).toContainText('Model ready');
  await app.expectTopLabel('second.png', 'red');
  await app.expectTopLabel('first.png', 'green');
  await app.addImages([await solidImage('third', COLOURS.blue)]);
  await app.expectTopLabel('third.png', 'blue');
});

test('a worker that leaves a cancel unanswered for 5 s is replaced; the classification is asked for again', async ({
  app,
  page,
}) => {
  test.slow();
  await app.openReady();
  await app.typeLabels('red, green, blue');
  await app.addImages([await solidImage('hue', COLOURS.blue)]);
  await app.expectTopLabel('hue.png', 'blue');
  // The worker's thread spins: it answers nothing until it is replaced.
  await classifierWorker(page).evaluate(() => {
    setTimeout(() => {
      const end = Date.now() + 120_000;
      while (Date.now() < end);
    }, 0);
  });
  // New labels ask for a classification the stuck worker never starts; newer labels cancel it.
  await app.typeLabels('red, green, blue, cyan');
  // Applied (the link says so): the classification for them was asked for in the same step.
  await expect(page).toHaveURL((url) => url.searchParams.get('labels') === 'red, green, blue, cyan');
  await app.typeLabels('red, blue, cyan');
  await expect(page.getByText(/The classifier stopped answering \(no answer to a cancel within 5 s\)/)).toBeVisible({
    timeout: 20_000,
  });
  await expect(app.scores('hue.png')).toHaveCount(3);
  await app.expectTopLabel('hue.png', 'blue');
  await app.addImages([await solidImage('next', COLOURS.red)]);
  await app.expectTopLabel('next.png', 'red');
});

test('leaving while an add has not reached the worker asks first (beforeunload)', async ({ app, page }) => {
  await app.openReady();
  // A stuck worker never acknowledges the add.
  await classifierWorker(page).evaluate(() => {
    setTimeout(() => {
      const end = Date.now() + 30_000;
      while (Date.now() < end);
    }, 0);
  });
  await app.labels.click(); // the user activation a beforeunload prompt needs
  await app.addImages([await solidImage('unsaved', COLOURS.red)]);
  const asked = new Promise<string>((resolve) =>
    page.once('dialog', (dialog) => {
      resolve(dialog.type());
      void dialog.dismiss();
    }),
  );
  await page.close({ runBeforeUnload: true });
  expect(await asked).toBe('beforeunload');
});

test('running out of memory gets a fresh worker and says to try a smaller model; “Retry failed images” asks again', async ({
  app,
  page,
}) => {
  test.slow();
  // On this fixture a magenta picture makes the vision graph ask for a 4 GB tensor: ONNX Runtime's
  // allocation really fails, as it does when a large model meets a small device.
  await app.openReady('/?host=/models&model=fixtures/clip-colors-hungry');
  await app.typeLabels('red, green, blue');
  const old = classifierWorker(page);
  await app.addImages([await solidImage('huge', [255, 0, 255]), await solidImage('small', COLOURS.red)]);
  await expect(
    page.getByText(/The classifier ran out of memory \(.*std::bad_alloc.*\) and was restarted/),
  ).toBeVisible();
  await expect(page.getByText(/Try a smaller precision \(q8\) or a smaller model/)).toBeVisible();
  await expect.poll(() => page.workers().some((w) => w !== old && w.url().includes('classifier.worker'))).toBe(true);
  await expect(app.status).toContainText('Model ready: fixtures/clip-colors');
  // A request failure, not the images' own: they wait for a retry, not failed forever.
  const retry = page.getByRole('button', { name: 'Retry failed images' });
  await expect(retry).toBeVisible();
  await expect(app.scores('small.png')).toHaveCount(0);

  await page.getByRole('button', { name: 'Remove huge.png' }).click();
  await retry.click();
  await app.expectTopLabel('small.png', 'red');
  await expect(retry).toHaveCount(0);
});
