import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { parseCard } from '../../src/card/parse.js';
import { metricKeyName } from '../../src/card/metric-names.js';
import { renderCard } from '../../src/card/render.js';
import type { ModelCard } from '../../src/card/schema.js';
import { encodeRgbaPng } from '../../src/graphics/png.js';
import { pngAnnotationChunks } from '../../src/graphics/png-metadata.js';
import { activeContent } from '../helpers/html.js';
import { readFixture } from '../helpers/mct-schema.js';

// A 1x1 PNG: what a graphic's image holds (bare base64, no data: prefix).
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const complete: ModelCard = {
  model_details: {
    name: 'Penguins RF',
    overview: 'Predicts species.',
    documentation: 'Trained on Palmer Penguins.',
    owners: [{ name: 'Ana', contact: 'ana@example.com' }, { name: 'Luis' }],
    version: { name: 'v2', date: '2024-05-01', diff: 'More trees.' },
    licenses: [{ identifier: 'Apache-2.0' }],
    references: [{ reference: 'https://example.org/model' }],
    citations: [{ style: 'APA', citation: 'Gorman et al. (2014)' }],
    path: 'models/penguins.json',
  },
  model_parameters: {
    model_architecture: 'Random forest, 100 trees',
    data: [
      {
        name: 'penguins-train',
        description: '266 rows',
        link: 'https://example.org/data.csv',
        sensitive: { sensitive_data: ['island'] },
        graphics: { description: 'Class balance of the training set', collection: [{ name: 'balance', image: PNG }] },
      },
    ],
    input_format: 'CSV row',
    input_format_map: [{ key: 'bill_length_mm', value: 'float' }],
    output_format: 'species',
    output_format_map: [{ key: 'species', value: 'Adelie | Chinstrap | Gentoo' }],
  },
  quantitative_analysis: {
    performance_metrics: [
      { type: 'accuracy', value: '0.985', confidence_interval: { lower_bound: '0.92', upper_bound: '0.997' } },
      { type: 'f1', value: '0.97', slice: 'Adelie' },
    ],
    graphics: { description: 'Confusion matrix', collection: [{ name: 'confusion', image: PNG }] },
  },
  considerations: {
    users: [{ description: 'Ecologists' }],
    use_cases: [{ description: 'Species triage' }],
    limitations: [{ description: 'Three species only' }],
    tradeoffs: [{ description: 'Speed vs depth' }],
    ethical_considerations: [{ name: 'Misuse', mitigation_strategy: 'Human review' }],
  },
};

/** Every string in a card, replaced by `make(path)`. */
function mapStrings(value: unknown, make: (path: string) => string, path = ''): unknown {
  if (typeof value === 'string') return path.endsWith('.image') ? value : make(path);
  if (Array.isArray(value)) return value.map((item, index) => mapStrings(item, make, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, make, path ? `${path}.${key}` : key)]));
  }
  return value;
}

describe('HTML rendering', () => {
  const html = renderCard(complete, 'html');

  it('is one self-contained file: inline CSS, no scripts, no external requests', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\bsrc="(?!data:)/i);
    expect(html).toContain("default-src 'none'; img-src data:");
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(2);
  });

  it('groups the metrics: overall with a labelled 95% CI column, slices x types, cross-validation as mean ± std', () => {
    const card: ModelCard = {
      quantitative_analysis: {
        performance_metrics: [
          { type: 'accuracy', value: '0.985', confidence_interval: { lower_bound: '0.92', upper_bound: '0.997' } },
          { type: 'f1', value: '0.97', slice: 'Adelie', confidence_interval: { lower_bound: '0.9', upper_bound: '0.99' } },
          { type: 'precision', value: '0.96', slice: 'Adelie' },
          { type: 'f1', value: '0.95', slice: 'Gentoo' },
          { type: 'accuracy_cv_mean', value: '0.989' },
          { type: 'accuracy_cv_std', value: '0.012' },
          { type: 'lonely_cv_mean', value: '0.5' },
        ],
      },
    };
    const grouped = renderCard(card, 'html');
    expect(grouped).toContain('<th scope="col">95% CI</th>');
    expect(grouped).toContain('<th scope="row">Accuracy</th><td class="num">0.985</td><td class="num">0.92–0.997</td>');
    // A mean without its std stays an ordinary metric.
    expect(grouped).toContain('<th scope="row">lonely_cv_mean</th><td class="num">0.5</td><td class="num"></td>');
    // On its own (as the Hub's model-index lists it), a summary of a known metric reads as one.
    expect(metricKeyName('f1_weighted_cv_std', 'en')).toBe('F1 (weighted) (cross-validation: std)');
    expect(metricKeyName('accuracy_cv_mean', 'es')).toBe('Exactitud (validación cruzada: media)');
    expect(grouped).toContain('<thead><tr><th scope="col">Slice</th><th scope="col">F1</th><th scope="col">Precision</th></tr></thead>');
    expect(grouped).toContain('<tr><th scope="row">Adelie</th><td class="num">0.97<br><span class="ci">0.9–0.99</span></td><td class="num">0.96</td></tr>');
    expect(grouped).toContain('<tr><th scope="row">Gentoo</th><td class="num">0.95</td><td class="num"></td></tr>');
    expect(grouped).toContain('<th scope="row">Accuracy</th><td class="num">0.989 ± 0.012</td>');
    // In Spanish: metric names translated and decimal commas, in every table.
    const spanish = renderCard(card, 'html', { lang: 'es' });
    expect(spanish).toContain('<th scope="col">IC 95 %</th>');
    expect(spanish).toContain('<th scope="row">Exactitud</th><td class="num">0,985</td><td class="num">0,92–0,997</td>');
    expect(spanish).toContain('<th scope="row">Exactitud</th><td class="num">0,989 ± 0,012</td>');
    expect(spanish).toContain('<th scope="col">Subgrupo</th><th scope="col">F1</th><th scope="col">Precisión</th>');
  });

  it('has a main landmark, table headers that repeat in print, dark and print styles', () => {
    expect(html).toMatch(/<header><h1>[^<]+<\/h1><\/header>\s*<main>/);
    expect(html).toContain('</main>\n<footer>');
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    expect(html).toContain('@media print');
    expect(html).toContain('thead { display: table-header-group; }');
    expect(html.match(/<table>/g)?.length).toBe(html.match(/<thead>/g)?.length);
  });

  it('marks passages in the other card language with lang', () => {
    const card: ModelCard = {
      model_details: { name: 'x', overview: 'A model that is trained on the data of the penguins.', documentation: 'Entrenado con los datos de los pingüinos para la clasificación.' },
      considerations: { limitations: [{ description: 'Only for the three species in the data.' }, { description: 'bill_length_mm' }] },
    };
    const spanish = renderCard(card, 'html', { lang: 'es' });
    expect(spanish).toContain('<div class="text" lang="en">A model that is trained');
    expect(spanish).toContain('<div class="text">Entrenado con los datos');
    expect(spanish).toContain('<li lang="en">Only for the three species');
    expect(spanish).toContain('<li>bill_length_mm</li>');
    const english = renderCard(card, 'html');
    expect(english).toContain('<div class="text">A model that is trained');
    expect(english).toContain('<div class="text" lang="es">Entrenado con los datos');
  });

  it('renders what MCT templates lose: sensitive data, path, citation style, dataset graphics description, owners list', () => {
    expect(html).toContain('<li>island</li>');
    expect(html).toContain('<code>models/penguins.json</code>');
    expect(html).toContain('(style: APA)');
    expect(html).toContain('Class balance of the training set');
    expect(html).toMatch(/<ul><li>Ana, ana@example.com<\/li><li>Luis<\/li><\/ul>/);
  });

  it('renders every section of MCT full.json', () => {
    const fullHtml = renderCard(parseCard(readFixture('full.json')), 'html');
    for (const text of ['Model Card for name', 'overview', 'documentation', 'name1, contact1@email.com', 'Apache-2.0', 'https://arxiv.org/abs/1801.04381', 'my/model/path', 'data name', 'graphics description', '32-char-len-text', '64-char-len-text', 'overall', '0.9', '0.85–0.95', 'limitations2', 'mitigation strategy']) {
      expect(fullHtml).toContain(text);
    }
    // full.json's images are the placeholder "{image_bytes}": shown as a note, never as a broken <img>.
    expect(fullHtml).not.toMatch(/<img/);
    expect(fullHtml).toContain('image not shown');
  });

  it('uses Spanish labels with --lang es', () => {
    const spanish = renderCard(complete, 'html', { lang: 'es' });
    expect(spanish).toContain('<html lang="es">');
    expect(spanish).toContain('Consideraciones éticas');
    expect(spanish).toContain('Ficha de modelo de Penguins RF');
  });
});

describe('chart images in HTML', () => {
  // A white 1x1 image carrying the annotation.
  const annotated = async (description: string, table: unknown, language = 'en') =>
    (await encodeRgbaPng(new Uint8Array([255, 255, 255, 255]), 1, 1, pngAnnotationChunks({ description, table, language, pixelRatio: 2 }))).toString('base64');
  const cardWith = (image: string): ModelCard => ({ quantitative_analysis: { graphics: { collection: [{ name: 'Chart', image }] } } });

  it("uses the image's own description as alt text, its table as text under it, and its natural size", async () => {
    const html = renderCard(cardWith(await annotated('Bar chart: a 0.5; b 0.25.', { columns: ['Feature', 'Importance'], rows: [['a', '0.5'], ['b', '0.25']] })), 'html');
    expect(html).toContain('alt="Bar chart: a 0.5; b 0.25." width="1" height="1"');
    expect(html).toContain('<thead><tr><th scope="col">Feature</th><th scope="col">Importance</th></tr></thead>');
    expect(html).toContain('<tr><th scope="row">a</th><td>0.5</td></tr>');
    // A Spanish card showing an English chart marks the figure as English.
    expect(renderCard(cardWith(await annotated('Bar chart.', { columns: ['x'], rows: [] })), 'html', { lang: 'es' })).toContain('<figure class="chart" lang="en">');
  });

  it('keeps markup from image metadata inert and ignores malformed tables and language tags', async () => {
    const payload = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const html = renderCard(cardWith(await annotated(payload, { columns: [payload], rows: [[payload]] }, 'en" onmouseover="alert(3)')), 'html');
    const active = activeContent(html);
    expect(active.elements).toEqual([]);
    expect(active.handlers).toEqual([]);
    expect(active.images.every((src) => src.startsWith('data:image/png;base64,'))).toBe(true);
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).not.toContain('lang="en&quot;');
    for (const table of [{ columns: ['a', 'b'], rows: [['only one']] }, { columns: 'a', rows: [] }, [1, 2]]) {
      const plain = renderCard(cardWith(await annotated('d', table)), 'html');
      expect(plain).not.toContain('<table class="data">');
      expect(plain).toContain('alt="d"');
    }
  });

  it('falls back to the name for images without a description', () => {
    expect(renderCard(cardWith(PNG), 'html')).toContain('alt="Chart"');
  });
});

describe('Markdown rendering', () => {
  const md = renderCard(complete, 'md');

  it('keeps metrics and graphics when a card has no considerations (an MCT template bug)', () => {
    const { considerations: _dropped, ...withoutConsiderations } = complete;
    const text = renderCard(withoutConsiderations, 'md');
    expect(text).toContain('| Accuracy | 0.985 (95% CI 0.92–0.997) |');
    expect(text).toContain('![confusion](data:image/png;base64,');
  });

  it('renders documentation, datasets, sensitive data, path and citation style', () => {
    for (const text of ['Trained on Palmer Penguins.', '### penguins-train', 'Sensitive data: island', 'models/penguins.json', '_(style: APA)_', '| F1 (Adelie) | 0.97 |']) {
      expect(md).toContain(text);
    }
  });

  it('is valid Markdown whose tables survive a renderer', async () => {
    const html = await marked.parse(md);
    expect(html).toContain('<td>Accuracy</td>');
    expect(html).toContain('<td>Adelie | Chinstrap | Gentoo</td>');
  });
});

describe('escaping', () => {
  const payloads = [
    '<script>alert(1)</script>',
    '[click](javascript:alert(1))',
    '<img src=x onerror=alert(1)>',
    '"><svg onload=alert(1)>',
    '![x](https://evil.example/p.png)',
  ];

  for (const payload of payloads) {
    it(`renders ${JSON.stringify(payload)} as inert text in every field`, async () => {
      const hostile = mapStrings(complete, (path) => `${path} ${payload}`) as ModelCard;
      const html = renderCard(hostile, 'html');
      const active = activeContent(html);
      expect(active.elements).toEqual([]);
      expect(active.handlers).toEqual([]);
      expect(active.links.every((href) => href.startsWith('https://example.org/'))).toBe(true);
      expect(active.images.every((src) => src.startsWith('data:image/png;base64,'))).toBe(true);
      // Every field still shows its text, payload included.
      expect(html).toContain('model_details.name');
      expect(html).toContain('considerations.ethical_considerations[0].mitigation_strategy');

      const fromMarkdown = activeContent(await marked.parse(renderCard(hostile, 'md')));
      expect(fromMarkdown.elements).toEqual([]);
      expect(fromMarkdown.handlers).toEqual([]);
      // GFM autolinks bare http(s) URLs in text; no other link may appear.
      expect(fromMarkdown.links.every((href) => href.startsWith('https://'))).toBe(true);
      expect(fromMarkdown.images.every((src) => src.startsWith('data:image/png;base64,'))).toBe(true);
    });
  }

  it('makes links only from http(s) references', () => {
    const card: ModelCard = { model_details: { references: [{ reference: 'javascript:alert(1)' }, { reference: 'https://ok.example/a_b' }] } };
    const html = renderCard(card, 'html');
    expect(html).toContain('<li>javascript:alert(1)</li>');
    expect(html).toContain('<a href="https://ok.example/a_b"');
    expect(renderCard(card, 'md')).toContain('- <https://ok.example/a_b>');
  });

  it('does not turn text into Markdown structure', async () => {
    const card: ModelCard = { considerations: { limitations: [{ description: '# not a heading\n- not a list\n1. not a list | pipe *x* _y_' }] } };
    const html = await marked.parse(renderCard(card, 'md'));
    expect(html).not.toMatch(/<h1>not a heading/);
    expect(html).not.toMatch(/<em>/);
    expect(html).toContain('<li># not a heading<br>- not a list<br>1. not a list | pipe *x* _y_</li>');
  });
});
