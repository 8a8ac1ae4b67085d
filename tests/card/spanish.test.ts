import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { htmlTextPieces, markdownTextPieces, type TextPiece } from '../helpers/card-text.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { writeTinyModel } from '../helpers/hf-model.js';

/**
 * Every card each command writes, rendered with --lang es, must not contain the English prose of
 * the same card rendered with --lang en: labels, metric names, generated sentences, preset texts.
 * The English phrases are taken from the English rendering itself, so a new English sentence in a
 * template or preset is caught without updating a list. What may stay the same in both languages
 * is listed explicitly: proper nouns and column names, plus identifiers, numbers, file names and
 * URLs, which are dropped before comparing.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Names that read the same in Spanish: species, islands, the data set, classes, column names, units, styles, licence ids. */
const SAME_IN_BOTH = new Set([
  'Adelie', 'Chinstrap', 'Gentoo', 'Biscoe', 'Dream', 'Torgersen', 'Palmer', 'Palmer Penguins', 'island', 'year', 'sex', 'species',
  'mm', 'g', 'APA', 'macro', 'micro', 'F1', 'AUC', 'ROC AUC', 'RandomForestClassifier', 'DecisionTreeClassifier', 'RepeatedStratifiedKFold',
  'Gini', 'CART', 'bootstrap', 'True', 'False', 'None', 'sqrt', 'log2', 'entropy', 'tokens', 'mit', 'legal', 'MLflow', 'Hugging Face',
  'OpenAI', 'API', 'GPT', 'pandas', 'scikit-learn', 'joblib', 'pickle', 'ONNX', 'sha256', 'bytes',
]);

/** Identifiers, numbers, file names, URLs and e-mail addresses: the same in every language. */
const NEUTRAL = /\S*(?:https?:\/\/|[_\d@=\\/]|\.[A-Za-z])\S*/g;

function phrases(text: string): string[] {
  return text
    .replace(NEUTRAL, ' ')
    .split(/[.;:,()[\]"«»±×–—%|?!<>]+/)
    .map((phrase) => phrase.replace(/\s+/g, ' ').trim())
    .filter((phrase) => /\p{L}{2}/u.test(phrase) && !SAME_IN_BOTH.has(phrase));
}

function containsPhrase(text: string, phrase: string): boolean {
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}])${escaped}($|[^\\p{L}])`, 'u').test(text);
}

interface Rendering {
  html: TextPiece[];
  markdown: string[];
  overview?: string;
}

function readRendering(dir: string): Rendering {
  const files = readdirSync(dir);
  const html = files.find((file) => file.endsWith('.html'));
  const markdown = files.find((file) => file.endsWith('.md'));
  const json = files.find((file) => file.endsWith('.json') && !file.endsWith('.mlflow-mct.json'));
  if (!html || !markdown) throw new Error(`no HTML and Markdown card in ${dir}: ${files.join(', ')}`);
  const overview = json ? (JSON.parse(readFileSync(join(dir, json), 'utf8')) as { model_details?: { overview?: string } }).model_details?.overview : undefined;
  return {
    html: htmlTextPieces(readFileSync(join(dir, html), 'utf8')),
    markdown: markdownTextPieces(readFileSync(join(dir, markdown), 'utf8')),
    ...(overview ? { overview } : {}),
  };
}

/** Every string of a card file: what the user gave, which stays as written in any language. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  return value !== null && typeof value === 'object' ? Object.values(value).flatMap(stringsOf) : [];
}

/**
 * English phrases of the English card that the Spanish card repeats, except in passages marked
 * with their language (lang="en" in the Spanish card, lang="es" in the English one) and in text
 * the user gave.
 */
function englishLeftovers(english: Rendering, spanish: Rendering, given: readonly string[] = []): { html: string[]; markdown: string[] } {
  const marked = [...spanish.html.filter((piece) => piece.lang === 'en'), ...english.html.filter((piece) => piece.lang === 'es')].map((piece) => piece.text);
  const foreign = new Set([...marked, ...given].flatMap(phrases));
  const withoutGiven = (text: string) => [...given].sort((a, b) => b.length - a.length).reduce((rest, passage) => rest.split(passage).join('\n'), text).replace(NEUTRAL, ' ');
  const spanishHtml = withoutGiven(spanish.html.filter((piece) => piece.lang !== 'en').map((piece) => piece.text).join('\n'));
  const spanishMarkdown = withoutGiven(spanish.markdown.join('\n'));
  const englishPhrases = (texts: string[]) => [...new Set(texts.flatMap(phrases))].filter((phrase) => !foreign.has(phrase));
  return {
    html: englishPhrases(english.html.map((piece) => piece.text)).filter((phrase) => containsPhrase(spanishHtml, phrase)),
    markdown: englishPhrases(english.markdown).filter((phrase) => containsPhrase(spanishMarkdown, phrase)),
  };
}

describe('Spanish cards carry no English prose', () => {
  const cards = new Map<string, Record<'en' | 'es', Rendering>>();
  const tinyModel = join(tempDir(), 'tiny-model');
  const fullJson = join(ROOT, 'tests/fixtures/mct/full.json');
  const given = new Map([['card render of MCT full.json', stringsOf(JSON.parse(readFileSync(fullJson, 'utf8')))]]);
  const commands: Array<[string, string[]]> = [
    ['train-penguins', ['train-penguins', '--dry-run', '--cv-folds', '3', '--cv-repeats', '1']],
    ['legacy-card with --pkl', ['legacy-card', '--pkl', join(ROOT, 'tests/fixtures/pickle/rf-p4.pkl')]],
    ['legacy-card without a file', ['legacy-card']],
    ['api-card', ['api-card', '--provider', 'OpenAI', '--endpoint', 'https://api.openai.com/v1/chat/completions', '--deprecation', '2027-06-30', '--dry-run']],
    ['register-generative', ['register-generative', '--dry-run', '--model-dir', tinyModel]],
    ['card render of MCT full.json', ['card', 'render', fullJson, '--format', 'html,md,json']],
  ];

  beforeAll(() => {
    writeTinyModel(tinyModel);
    const store = tempDir();
    // A run per language: a card rebuilt from a run starts from the card the run logged, in that run's language.
    const runIds = {} as Record<'en' | 'es', string>;
    for (const lang of ['en', 'es'] as const) {
      const recorded = runCli(['train-penguins', '--cv-folds', '3', '--cv-repeats', '1', '--lang', lang, '--mlflow-reg-name', `penguins-${lang}`, '--out-dir', `trained-${lang}`, '--json'], {
        cwd: store,
        env: { MLFLOW_TRACKING_URI: '' },
      });
      if (recorded.code !== 0) throw new Error(`train-penguins --lang ${lang} failed: ${recorded.stderr}`);
      runIds[lang] = String(JSON.parse(recorded.stdout).mlflow?.run_id);
    }
    const fromMlflow: Array<[string, (lang: 'en' | 'es') => string[]]> = [
      ['card from-run', (lang) => ['card', 'from-run', runIds[lang]]],
      ['card from-model', (lang) => ['card', 'from-model', `models:/penguins-${lang}/1`]],
    ];
    const all: Array<[string, (lang: 'en' | 'es') => string[]]> = [...commands.map(([name, args]): [string, () => string[]] => [name, () => args]), ...fromMlflow];
    for (const [name, argsFor] of all) {
      const renderings = {} as Record<'en' | 'es', Rendering>;
      for (const lang of ['en', 'es'] as const) {
        const args = argsFor(lang);
        const out = join(store, `${name.replace(/\W+/g, '-')}-${lang}`);
        const result = runCli([...args, '--lang', lang, '--out-dir', out, '-q'].filter((arg) => !(arg === '-q' && args[0] === 'card' && args[1] === 'render')), {
          cwd: store,
          env: { MLFLOW_TRACKING_URI: '' },
        });
        if (result.code !== 0) throw new Error(`${name} --lang ${lang} failed: ${result.stderr}`);
        renderings[lang] = readRendering(out);
      }
      cards.set(name, renderings);
    }
  }, 300_000);

  for (const name of [...commands.map(([command]) => command), 'card from-run', 'card from-model']) {
    it(`${name}: no English phrase of the English card in the Spanish HTML or Markdown`, () => {
      const renderings = cards.get(name)!;
      expect(englishLeftovers(renderings.en, renderings.es, given.get(name))).toEqual({ html: [], markdown: [] });
    });
  }

  it('finds English left in a Spanish card (the check itself works)', () => {
    const { en, es } = cards.get('train-penguins')!;
    const tampered: Rendering = { html: [...es.html, { text: 'Model Details', lang: 'es' }], markdown: [...es.markdown, 'Intended Users'] };
    expect(englishLeftovers(en, tampered)).toEqual({ html: ['Model Details'], markdown: ['Intended Users'] });
    // The same text marked lang="en" is an English passage, not a leftover.
    expect(englishLeftovers(en, { ...es, html: [...es.html, { text: 'Model Details', lang: 'en' }] }).html).toEqual([]);
  });

  it('writes Spanish numbers with a decimal comma in every metric table', () => {
    for (const name of ['train-penguins', 'card from-run']) {
      const { es } = cards.get(name)!;
      const numbers = es.html.filter((piece) => /^\d+[.,]\d+(–\d+[.,]\d+)?( ± \d+[.,]\d+)?$/.test(piece.text)).map((piece) => piece.text);
      expect(numbers.length, name).toBeGreaterThan(10);
      expect(numbers.filter((text) => text.includes('.')), name).toEqual([]);
    }
  });

  it('says in the Spanish overview what the English one says', () => {
    const { en, es } = cards.get('train-penguins')!;
    expect(en.overview).toBe("Random forest trained to predict a penguin's species from its measurements, island, sex and year.");
    expect(es.overview).toBe('Bosque aleatorio entrenado para predecir la especie de un pingüino a partir de sus medidas, isla, sexo y año.');
  });

  it('marks English passages in a Spanish card with lang="en"', () => {
    const out = tempDir();
    const overview = 'Predicts the species of a penguin from four body measurements taken in the field.';
    expect(runCli(['legacy-card', '--lang', 'es', '--overview', overview, '--out-dir', out, '-q']).code).toBe(0);
    const { html } = readRendering(out);
    expect(html.find((piece) => piece.text === overview)?.lang).toBe('en');
    expect(html.find((piece) => piece.text === 'Descripción general')?.lang).toBe('es');
    // The penguin card's English citations, in its Spanish rendering.
    expect(cards.get('train-penguins')!.es.html.filter((piece) => piece.text.startsWith('Gorman KB')).map((piece) => piece.lang)).toEqual(['en']);
  });
});
