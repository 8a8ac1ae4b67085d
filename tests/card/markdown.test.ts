import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { hubLicense, hubMetadata } from '../../src/card/hub.js';
import { imageFiles } from '../../src/card/images.js';
import { escapeMarkdownBlock, escapeMarkdownInline } from '../../src/card/markdown.js';
import { metricRows } from '../../src/card/metric-names.js';
import { renderCard } from '../../src/card/render.js';
import type { ModelCard } from '../../src/card/schema.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

async function html(markdown: string): Promise<string> {
  return marked.parse(markdown, { gfm: true });
}

describe('GitHub-flavoured Markdown escaping', () => {
  it('keeps bare URLs whole, underscores included, as autolinks', async () => {
    const text = escapeMarkdownBlock('See https://example.org/a_b_c/file_name.csv, then https://x.example/q?(1).');
    expect(text).toContain('<https://example.org/a_b_c/file_name.csv>,');
    expect(text).toContain('<https://x.example/q?(1)>.');
    const rendered = await html(text);
    expect(rendered).toContain('href="https://example.org/a_b_c/file_name.csv"');
    expect(rendered).not.toContain('\\_');
  });

  it('does not turn accuracy@0.5 into an e-mail link', async () => {
    const rendered = await html(escapeMarkdownInline('accuracy@0.5 and ana@example.com'));
    expect(rendered).not.toContain('mailto:');
    expect(rendered).toContain('accuracy@0.5');
  });

  it('shows backtick spans as code, and other syntax as text', async () => {
    const rendered = await html(escapeMarkdownBlock('Run `mlflow-mct inspect <file>` first; *not* _emphasis_ or <b>html</b>.'));
    expect(rendered).toContain('<code>mlflow-mct inspect &lt;file&gt;</code>');
    expect(rendered).not.toMatch(/<em>|<b>/);
    expect(rendered).toContain('*not* _emphasis_ or &lt;b&gt;html&lt;/b&gt;');
  });

  it('keeps paragraphs and line breaks of multi-line fields', async () => {
    const rendered = await html(escapeMarkdownBlock('First line\nsecond line\n\nSecond paragraph\n- not a list'));
    expect(rendered).toBe('<p>First line<br>second line</p>\n<p>Second paragraph<br>- not a list</p>\n');
  });

  it('keeps a pipe inside a code span from splitting a table cell', async () => {
    const card: ModelCard = { model_parameters: { input_format_map: [{ key: 'x', value: 'one of `a|b`' }] } };
    const rendered = await html(renderCard(card, 'md'));
    expect(rendered).toContain('<td>one of <code>a|b</code></td>');
  });
});

describe('metric rows', () => {
  it('names keys, groups CV mean ± std and labels intervals', () => {
    const rows = metricRows(
      [
        { type: 'accuracy', value: '0.9851', confidence_interval: { lower_bound: '0.9202', upper_bound: '0.9974' } },
        { type: 'f1_weighted', value: '0.97' },
        { type: 'f1_weighted_cv_mean', value: '0.9712' },
        { type: 'f1_weighted_cv_std', value: '0.0123' },
        { type: 'f1', value: '0.96', slice: 'Adelie' },
        { type: 'my_metric', value: '3' },
      ],
      'en',
    );
    expect(rows).toEqual([
      { name: 'Accuracy', value: '0.9851 (95% CI 0.9202–0.9974)' },
      { name: 'F1 (weighted)', value: '0.97' },
      { name: 'F1 (weighted), cross-validation', value: '0.9712 ± 0.0123' },
      { name: 'F1 (Adelie)', value: '0.96' },
      { name: 'my_metric', value: '3' },
    ]);
    expect(metricRows([{ type: 'accuracy', value: '0.9851', confidence_interval: { lower_bound: '0.92', upper_bound: '0.99' } }], 'es')).toEqual([
      { name: 'Exactitud', value: '0,9851 (IC 95 % 0,92–0,99)' },
    ]);
  });
});

describe('Hugging Face metadata', () => {
  const card: ModelCard = {
    model_details: { name: 'Penguins RF', licenses: [{ identifier: 'Apache-2.0' }] },
    model_parameters: { data: [{ name: 'train rows' }, { name: 'test rows' }] },
    quantitative_analysis: { performance_metrics: [{ type: 'accuracy', value: '0.98' }, { type: 'f1', value: '0.97', slice: 'Adelie' }] },
  };

  it('maps licences to Hub slugs, else other with a name and link', () => {
    expect(hubLicense({ identifier: 'Apache-2.0' })).toEqual({ license: 'apache-2.0' });
    expect(hubLicense({ identifier: 'GPL-3.0-only' })).toEqual({ license: 'gpl-3.0' });
    expect(hubLicense({ identifier: 'proprietary' })).toEqual({ license: 'other', license_name: 'proprietary' });
    expect(hubLicense({ custom_text: 'https://example.org/licence' })).toEqual({ license: 'other', license_name: 'custom', license_link: 'https://example.org/licence' });
  });

  it('builds the front matter with a model-index from the metrics', () => {
    const metadata = hubMetadata(card, { hub: { pipeline_tag: 'tabular-classification', library_name: 'sklearn', tags: ['penguins'], base_model: 'org/base' } });
    expect(metadata).toMatchObject({
      license: 'apache-2.0',
      library_name: 'sklearn',
      pipeline_tag: 'tabular-classification',
      tags: ['penguins', 'model-card', 'mlflow-mct'],
      base_model: 'org/base',
    });
    expect(metadata['model-index']).toEqual([
      {
        name: 'Penguins RF',
        results: [
          {
            task: { type: 'tabular-classification' },
            dataset: { type: 'test rows', name: 'test rows' },
            metrics: [
              { type: 'accuracy', value: 0.98, name: 'Accuracy' },
              { type: 'f1', value: 0.97, name: 'F1 (Adelie)', config: 'Adelie' },
            ],
          },
        ],
      },
    ]);
    const markdown = renderCard(card, 'md', { metadata });
    const block = /^---\n([\s\S]*?)\n---\n/.exec(markdown);
    expect(YAML.parse(block?.[1] ?? '')).toEqual(metadata);
  });

  it('links images as files beside the Markdown', () => {
    const withImage: ModelCard = { quantitative_analysis: { graphics: { collection: [{ name: 'Matriz de confusión', image: PNG }, { name: 'not an image', image: 'eA==' }] } } };
    const files = imageFiles(withImage, 'card');
    expect(files.map((file) => file.file)).toEqual(['card.matriz-de-confusion.png']);
    expect(files[0]?.bytes.subarray(1, 4).toString()).toBe('PNG');
    const markdown = renderCard(withImage, 'md', { imageFiles: files });
    expect(markdown).toContain('![Matriz de confusión](card.matriz-de-confusion.png)');
    expect(markdown).not.toContain('data:image');
  });
});
