// The README's screenshots of the penguin card, made from the built CLI (`npm run screenshots`):
// train-penguins --dry-run writes the card, Debian's Chromium (driven by playwright-core) shows it
// at 1280 px (the top of the card) and at 390 px (the confusion matrix and the table of its numbers).
// Writes docs/img/card-desktop.png and docs/img/card-phone.png.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, 'docs', 'img');
const executablePath = process.env.MLFLOW_MCT_CHROMIUM ?? '/usr/bin/chromium';
const work = mkdtempSync(join(tmpdir(), 'mlflow-mct-screenshots-'));
try {
  const run = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'train-penguins', '--dry-run', '--out-dir', work], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`train-penguins failed: ${run.stderr}`);
  const card = pathToFileURL(join(work, 'penguin_model_card.html')).href;
  const profile = join(work, 'profile');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    offline: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(out, { recursive: true });
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(card);
  await page.screenshot({ path: join(out, 'card-desktop.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(card);
  await page.evaluate(() => document.querySelectorAll('figure.chart')[0].scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(out, 'card-phone.png') });
  await context.close();
  console.log(`wrote ${join('docs', 'img', 'card-desktop.png')} and ${join('docs', 'img', 'card-phone.png')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
