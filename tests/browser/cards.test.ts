/**
 * Every card each command writes, opened in a real browser as readers open it: Debian's Chromium
 * through playwright-core, at 1280, 390 and 320 px, in the dark scheme and in print. Each page:
 * no console error, no network request, no horizontal overflow, every image decodes, axe-core
 * finds no violation (WCAG A/AA and best practices). A card whose every field holds markup shows
 * it as text. Screenshots go to .artifacts/screenshots/ (git-ignored).
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { axeSource, browserUnavailable, launchBrowser, type Browser } from '../helpers/browser.js';
import { writeTinyModel } from '../helpers/hf-model.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCREENSHOTS = join(ROOT, '.artifacts', 'screenshots');
const MCT = join(ROOT, 'tests', 'fixtures', 'mct');
const LANGS = ['en', 'es'] as const;
const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
  { name: 'narrow', width: 320, height: 640 },
] as const;

const PAYLOAD = `<img src=x onerror="window.__injected=1"><script>window.__injected=2</script>`;

/** Every string of a card replaced by its path followed by markup that must stay text. */
function hostile(value: unknown, path = ''): unknown {
  if (typeof value === 'string') return path.endsWith('.image') || path === 'schema_version' ? value : `${path} ${PAYLOAD}`;
  if (Array.isArray(value)) return value.map((item, index) => hostile(item, `${path}[${index}]`));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, hostile(item, path ? `${path}.${key}` : key)]));
  return value;
}

interface CardPage {
  name: string;
  lang: (typeof LANGS)[number];
  file: string;
}

/** Runs the command and returns the HTML card it wrote into `out`. */
function writeCard(args: string[], out: string): string {
  const result = runCli([...args, '--out-dir', out]);
  if (result.code !== 0) throw new Error(`mlflow-mct ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  const html = readdirSync(out).filter((file) => file.endsWith('.html'));
  if (html.length !== 1) throw new Error(`expected one HTML card in ${out}, found ${html.join(', ') || 'none'}`);
  return join(out, html[0]!);
}

function makeCards(): CardPage[] {
  const root = tempDir('mlflow-mct-browser-');
  const model = join(root, 'tiny-model');
  mkdirSync(model);
  writeTinyModel(model);
  const hostileCard = join(root, 'hostile.json');
  const commands: Array<[string, (lang: string) => string[]]> = [
    ['train-penguins', (lang) => ['train-penguins', '--dry-run', '--cv-folds', '3', '--cv-repeats', '1', '--lang', lang]],
    ['legacy-card', (lang) => ['legacy-card', '--pkl', join(ROOT, 'tests/fixtures/pickle/rf-p4.pkl'), '--lang', lang]],
    ['api-card', (lang) => ['api-card', '--provider', 'OpenAI', '--endpoint', 'https://api.openai.com/v1/chat/completions', '--dry-run', '--lang', lang]],
    ['register-generative', (lang) => ['register-generative', '--dry-run', '--model-dir', model, '--lang', lang]],
    ['mct-cats-vs-dogs', (lang) => ['card', 'render', join(MCT, 'cats_vs_dogs_v0_0_1.json'), '--format', 'html', '--lang', lang]],
    ['mct-full', (lang) => ['card', 'render', join(MCT, 'full.json'), '--format', 'html', '--lang', lang]],
    ['mct-considerations', (lang) => ['card', 'render', join(MCT, 'considerations.json'), '--format', 'html', '--lang', lang]],
  ];
  const cards: CardPage[] = [];
  for (const [name, args] of commands) {
    for (const lang of LANGS) cards.push({ name, lang, file: writeCard(args(lang), join(root, `${name}-${lang}`)) });
  }
  // The penguin card's JSON (charts included) with markup in every field, rendered by `card render`.
  const penguin = JSON.parse(readFileSync(cards[0]!.file.replace(/\.html$/, '.json'), 'utf8'));
  const hostileDocument = hostile(penguin) as { model_details: Record<string, unknown> };
  // A nested field MCT's loader does not read: `card render` shows it in "Other fields", as text.
  hostileDocument.model_details.notes = PAYLOAD;
  writeFileSync(hostileCard, JSON.stringify(hostileDocument));
  for (const lang of LANGS) cards.push({ name: 'hostile', lang, file: writeCard(['card', 'render', hostileCard, '--format', 'html', '--lang', lang], join(root, `hostile-${lang}`)) });
  return cards;
}

interface PageProblems {
  console: string[];
  requests: string[];
}

/** Opens the card, recording console errors and every request that is not the card file itself. */
async function open(page: Page, file: string): Promise<PageProblems> {
  const problems: PageProblems = { console: [], requests: [] };
  const self = pathToFileURL(file).href;
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.console.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.console.push(`pageerror: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (url !== self && !url.startsWith('data:')) problems.requests.push(url);
  });
  await page.goto(self, { waitUntil: 'load' });
  return problems;
}

async function overflow(page: Page): Promise<{ scrollWidth: number; viewport: number; offenders: string[] }> {
  return page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const offenders = [...document.querySelectorAll('body *')]
      .filter((element) => {
        const box = element.getBoundingClientRect();
        // Content inside a table's or a chart's own scrolling frame is reached by scrolling that frame.
        return box.right > viewport + 1 && !element.parentElement?.closest('.table-wrap, .chart-frame');
      })
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}: ${(element.textContent ?? '').slice(0, 60)}`);
    return { scrollWidth: document.documentElement.scrollWidth, viewport, offenders };
  });
}

async function imagesDecode(page: Page): Promise<Array<{ ok: boolean; src: string }>> {
  return page.evaluate(() =>
    Promise.all(
      [...document.images].map((image) =>
        image.decode().then(
          () => ({ ok: image.naturalWidth > 0 && image.naturalHeight > 0, src: image.src.slice(0, 40) }),
          () => ({ ok: false, src: image.src.slice(0, 40) }),
        ),
      ),
    ),
  );
}

async function axeViolations(page: Page, source: string): Promise<string[]> {
  await page.evaluate(source);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
    return axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
  });
  return result.violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length}x, e.g. ${JSON.stringify(violation.nodes[0]?.target)})`);
}

const unavailable = browserUnavailable();
if (unavailable) console.warn(`browser suite skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('cards in a real browser', () => {
  let browser: Browser;
  let cards: CardPage[] = [];
  let axe: string;

  beforeAll(async () => {
    cards = makeCards();
    axe = axeSource();
    browser = await launchBrowser();
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
  });

  const names = ['train-penguins', 'legacy-card', 'api-card', 'register-generative', 'mct-cats-vs-dogs', 'mct-full', 'mct-considerations', 'hostile'];
  for (const name of names) {
    for (const lang of LANGS) {
      it(`${name} (${lang}): clean at 1280, 390 and 320 px, in dark mode and in print`, async () => {
        const card = cards.find((entry) => entry.name === name && entry.lang === lang)!;
        const page = await browser.context.newPage();
        try {
          for (const viewport of VIEWPORTS) {
            await page.setViewportSize({ width: viewport.width, height: viewport.height });
            await page.emulateMedia({ media: 'screen', colorScheme: 'light' });
            const problems = await open(page, card.file);
            const where = `${name} ${lang} at ${viewport.width} px`;
            const decoded = await imagesDecode(page);
            expect(decoded.filter((image) => !image.ok), `${where}: images that do not decode`).toEqual([]);
            const width = await overflow(page);
            expect(width.offenders, `${where}: elements past the right edge`).toEqual([]);
            expect(width.scrollWidth, `${where}: page wider than the viewport`).toBeLessThanOrEqual(width.viewport);
            expect(await axeViolations(page, axe), `${where}: axe violations`).toEqual([]);
            await page.screenshot({ path: join(SCREENSHOTS, `${name}-${lang}-${viewport.width}.png`), fullPage: true });
            expect(problems.console, `${where}: console`).toEqual([]);
            expect(problems.requests, `${where}: network requests`).toEqual([]);
            page.removeAllListeners();
          }

          await page.setViewportSize({ width: 390, height: 844 });
          await page.emulateMedia({ media: 'screen', colorScheme: 'dark' });
          const dark = await open(page, card.file);
          expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'dark scheme').not.toBe('rgb(255, 255, 255)');
          expect(await axeViolations(page, axe), `${name} ${lang} dark: axe violations`).toEqual([]);
          await page.screenshot({ path: join(SCREENSHOTS, `${name}-${lang}-dark.png`), fullPage: true });
          expect(dark.console).toEqual([]);
          page.removeAllListeners();

          // Print: A4 at 96 dpi is 794 px wide; nothing may spill past the page, and the PDF is made.
          await page.setViewportSize({ width: 794, height: 1123 });
          await page.emulateMedia({ media: 'print', colorScheme: 'light' });
          const printed = await open(page, card.file);
          const printWidth = await overflow(page);
          expect(printWidth.offenders, `${name} ${lang} print: elements past the right edge`).toEqual([]);
          const repeatsHead = await page.evaluate(() => [...document.querySelectorAll('thead')].every((head) => getComputedStyle(head).display === 'table-header-group'));
          expect(repeatsHead, 'print: table headers repeat on every page').toBe(true);
          const pdf = await page.pdf({ format: 'A4', printBackground: true });
          expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
          writeFileSync(join(SCREENSHOTS, `${name}-${lang}.pdf`), pdf);
          expect(printed.console).toEqual([]);
          expect(printed.requests).toEqual([]);
        } finally {
          await page.close();
        }
      }, 120_000);
    }
  }

  it('shows markup from card fields as text, never as elements', async () => {
    for (const lang of LANGS) {
      const card = cards.find((entry) => entry.name === 'hostile' && entry.lang === lang)!;
      const page = await browser.context.newPage();
      try {
        await open(page, card.file);
        const seen = await page.evaluate(() => ({
          injected: (window as unknown as { __injected?: number }).__injected,
          scripts: document.querySelectorAll('script').length,
          handlers: [...document.querySelectorAll('*')].filter((element) => [...element.attributes].some((attribute) => attribute.name.startsWith('on'))).length,
          foreignImages: [...document.images].filter((image) => !image.src.startsWith('data:image/')).length,
          text: document.body.innerText,
        }));
        expect(seen.injected).toBeUndefined();
        expect(seen.scripts).toBe(0);
        expect(seen.handlers).toBe(0);
        expect(seen.foreignImages).toBe(0);
        expect(seen.text).toContain('model_details.name <img src=x onerror="window.__injected=1"><script>window.__injected=2</script>');
        expect(seen.text).toContain('considerations.limitations[0].description <img src=x');
      } finally {
        await page.close();
      }
    }
  });

  it('shows the penguin charts at their natural size on a desktop, with their data as text', async () => {
    const card = cards.find((entry) => entry.name === 'train-penguins' && entry.lang === 'es')!;
    const page = await browser.context.newPage();
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await open(page, card.file);
      const charts = await page.evaluate(() =>
        [...document.querySelectorAll('figure.chart')].map((figure) => {
          const image = figure.querySelector('img')!;
          return {
            shown: image.getBoundingClientRect().width,
            natural: image.naturalWidth,
            alt: image.alt,
            caption: figure.querySelector('figcaption')?.textContent ?? '',
            rows: figure.querySelectorAll('table tbody tr').length,
          };
        }),
      );
      expect(charts).toHaveLength(4);
      for (const chart of charts) {
        // Drawn at 2x: shown at half the pixel width, i.e. at the size it was laid out for.
        expect(chart.shown).toBeCloseTo(chart.natural / 2, 0);
        expect(chart.alt).not.toBe(chart.caption);
        expect(chart.alt).toMatch(/\d,\d{3}|\d+/);
        expect(chart.rows).toBeGreaterThan(0);
      }
    } finally {
      await page.close();
    }
  });
});
