import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script, without type declarations
import { GENERATED, generatedModule } from '../../scripts/precompile-templates.mjs';
import { renderCard } from '../../src/card/render.js';
import type { ModelCard } from '../../src/card/schema.js';

describe('precompiled card templates', () => {
  it('match templates/*.hbs as they are now (run `npm run build` after editing a template)', () => {
    expect(readFileSync(GENERATED as string, 'utf8')).toBe((generatedModule as () => string)());
  });

  it('render with the runtime alone, HTML-escaping in HTML and not again in Markdown', () => {
    const card: ModelCard = { model_details: { name: 'a <b> & "c"', overview: 'x_y <i>' } };
    const html = renderCard(card, 'html');
    expect(html).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(html).not.toContain('a <b>');
    const markdown = renderCard(card, 'md');
    // The view escapes Markdown (raw HTML neutralised); Handlebars must not escape it a second time.
    expect(markdown).toContain('# Model Card for a &lt;b&gt; & "c"');
    expect(markdown).not.toContain('&amp;');
  });
});
