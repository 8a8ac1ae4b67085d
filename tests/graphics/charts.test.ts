import { describe, expect, it } from 'vitest';

import { chartAnnotation } from '../../src/card/chart-annotation.js';
import { InputError } from '../../src/errors.js';
import { sequentialColour, hex, relativeLuminance } from '../../src/graphics/colour.js';
import { fontFiles, textWidth, wrapText } from '../../src/graphics/font.js';
import {
  barChart,
  chartPng,
  confusionMatrix,
  intervalChart,
  stripChart,
  toBase64,
  type BarChartInput,
  type Chart,
  type ConfusionMatrixInput,
  type IntervalChartInput,
  type StripChartInput,
} from '../../src/graphics/index.js';
import { readPngInfo } from '../../src/graphics/png-metadata.js';
import { decodePng } from './png-decoder.js';

const importance: BarChartInput = {
  title: 'Feature importance',
  lang: 'en',
  labelHeading: 'Feature',
  valueHeading: 'Importance',
  sort: 'descending',
  items: [
    { label: 'bill_length_mm', value: 0.255 },
    { label: 'flipper_length_mm', value: 0.412 },
    { label: 'body_mass_g', value: 0.081 },
  ],
};

const penguins: ConfusionMatrixInput = {
  labels: ['Adelie', 'Chinstrap', 'Gentoo'],
  matrix: [
    [44, 1, 0],
    [2, 18, 0],
    [0, 0, 38],
  ],
  title: 'Confusion matrix (test rows)',
  lang: 'en',
  axisLabels: { trueLabel: 'True species', predictedLabel: 'Predicted species' },
};

const perClass: IntervalChartInput = {
  title: 'Precisión, exhaustividad y F1 por especie',
  lang: 'es',
  categories: ['Adelie', 'Chinstrap'],
  categoryHeading: 'Especie',
  series: [
    { name: 'Precisión', estimates: [{ value: 0.969, lower: 0.867, upper: 0.997 }, { value: 1, lower: 0.873, upper: 1 }] },
    { name: 'F1', estimates: [{ value: 0.984, lower: 0.916, upper: 0.996 }, { value: 0.971, lower: 0.85, upper: 0.994 }] },
  ],
  extraColumns: [{ heading: 'Soporte', values: ['31', '18'] }],
  ceiling: 1,
};

const folds: StripChartInput = {
  title: 'Cross-validation scores',
  lang: 'en',
  labelHeading: 'Metric',
  rows: [
    { label: 'Accuracy', values: [1, 1, 1, 0.955, 0.985] },
    { label: 'F1 (macro)', values: [0.94, 1, 0.97, 0.97, 0.99] },
  ],
  ceiling: 1,
};

/** Attributes of every element `tag` in the SVG, as maps. */
function elements(svg: string, tag: string): Array<Record<string, string>> {
  return [...svg.matchAll(new RegExp(`<${tag} ([^>]*?)/?>`, 'g'))].map((match) =>
    Object.fromEntries([...match[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((attribute) => [attribute[1]!, attribute[2]!])),
  );
}

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((match) => match[1]!.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code))));
}

describe('chart typeface', () => {
  it('is read from the source-sans package, never from the system', () => {
    for (const file of fontFiles()) expect(file).toMatch(/node_modules\/source-sans\/TTF\/SourceSans3-(Regular|Semibold)\.ttf$/);
  });

  it('measures text from the font: wider strings, larger sizes and bold take more room', () => {
    expect(textWidth('0.255', 14)).toBeGreaterThan(20);
    expect(textWidth('0.255', 14)).toBeLessThan(40);
    expect(textWidth('flipper_length_mm', 14)).toBeGreaterThan(textWidth('bill', 14));
    expect(textWidth('Gentoo', 28)).toBeCloseTo(2 * textWidth('Gentoo', 14), 6);
    expect(textWidth('Gentoo', 14, 'semibold')).toBeGreaterThan(textWidth('Gentoo', 14));
  });

  it('wraps without dropping or truncating a character', () => {
    const caption = 'Disminución media de la impureza (normalizada) sobre todas las variables_codificadas_one_hot';
    const lines = wrapText(caption, 120, 14);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(textWidth(line, 14)).toBeLessThanOrEqual(120);
    expect(lines.join(' ').replace(/\s+/g, '')).toBe(caption.replace(/\s+/g, ''));
    expect(wrapText('short', 200, 14)).toEqual(['short']);
  });
});

describe('charts', () => {
  const all: Array<[string, () => Chart]> = [
    ['bar chart', () => barChart(importance)],
    ['confusion matrix', () => confusionMatrix(penguins)],
    ['interval chart', () => intervalChart(perClass)],
    ['strip chart', () => stripChart(folds)],
  ];

  it.each(all)('%s: PNG at 2x with its description and table inside, byte-identical for the same input', async (_name, make) => {
    const chart = make();
    const png = await chartPng(chart);
    const decoded = decodePng(png);
    expect(decoded.width).toBe(2 * Math.ceil(chart.width));
    expect(decoded.height).toBe(2 * chart.height);
    expect(decoded.chunkTypes.slice(0, 4)).toEqual(['IHDR', 'pHYs', 'iTXt', 'iTXt']);
    const info = readPngInfo(png)!;
    expect(info.pixelRatio).toBe(2);
    expect(info.texts.get('Description')).toEqual({ text: chart.description, language: chart.lang });
    expect(JSON.parse(info.texts.get('mlflow-mct.table')!.text)).toEqual(chart.table);
    // What a card shows: natural size in CSS pixels, the alt text and the table.
    const annotation = chartAnnotation(`data:image/png;base64,${toBase64(png)}`, (text) => text)!;
    expect(annotation).toMatchObject({ width: Math.ceil(chart.width), height: chart.height, description: chart.description, table: chart.table, lang: chart.lang });
    expect((await chartPng(make())).equals(png)).toBe(true);
    // Text is drawn: the title band is not blank.
    let ink = 0;
    for (let y = 32; y < 72; y += 1) for (let x = 32; x < 600; x += 1) if (decoded.rgb(x, y)[0] < 128) ink += 1;
    expect(ink).toBeGreaterThan(100);
  });

  it('escapes text in the SVG', () => {
    const chart = barChart({ ...importance, title: '<script>alert(1)</script> & "q"', items: [{ label: '<b>x</b>', value: 1 }] });
    expect(chart.svg).not.toContain('<script>');
    expect(chart.svg).not.toContain('<b>');
    expect(texts(chart.svg)).toEqual(expect.arrayContaining(['<script>alert(1)</script> & "q"', '<b>x</b>']));
  });
});

describe('barChart', () => {
  it('draws bars proportional to the values, largest first, each value written beside the plot', () => {
    const chart = barChart(importance);
    const bars = elements(chart.svg, 'rect').filter((rect) => rect.fill === '#0072b2');
    expect(bars.map((bar) => Number(bar.width))).toHaveLength(3);
    const [first, second, third] = bars.map((bar) => Number(bar.width));
    expect(second! / first!).toBeCloseTo(0.255 / 0.412, 2);
    expect(third! / first!).toBeCloseTo(0.081 / 0.412, 2);
    // Values sit in a column right of every bar, so no grid line runs through them.
    const values = elements(chart.svg, 'text').filter((text) => text['text-anchor'] === 'end' && Number(text.x) > 500);
    expect(values).toHaveLength(3);
    const plotRight = Math.max(...elements(chart.svg, 'line').map((line) => Number(line.x2)));
    const widest = Math.max(...['0.412', '0.255', '0.081'].map((value) => textWidth(value, 14)));
    for (const value of values) expect(Number(value.x) - widest).toBeGreaterThan(plotRight);
    expect(chart.table).toEqual({ columns: ['Feature', 'Importance'], rows: [['flipper_length_mm', '0.412'], ['bill_length_mm', '0.255'], ['body_mass_g', '0.081']] });
    expect(chart.description).toBe('Horizontal bar chart: Feature importance. flipper_length_mm 0.412; bill_length_mm 0.255; body_mass_g 0.081.');
  });

  it('writes Spanish numbers and wraps a long Spanish axis caption instead of cutting it', () => {
    const caption = 'Disminución media de la impureza (normalizada) calculada sobre los cien árboles del bosque aleatorio entrenado';
    const chart = barChart({ ...importance, lang: 'es', axisLabel: caption });
    const shown = texts(chart.svg);
    expect(shown).toContain('0,412');
    expect(shown.filter((text) => caption.includes(text) && text.length > 10).join(' ')).toBe(caption);
    for (const text of elements(chart.svg, 'text')) expect(Number(text.x)).toBeLessThanOrEqual(chart.width);
  });

  it.each<[string, BarChartInput, RegExp]>([
    ['no items', { ...importance, items: [] }, /items is empty/],
    ['a NaN value', { ...importance, items: [{ label: 'a', value: Number.NaN }] }, /value is NaN/],
    ['a negative value', { ...importance, items: [{ label: 'a', value: -1 }] }, /expected a number ≥ 0/],
    ['too many bars', { ...importance, items: Array.from({ length: 201 }, (_, i) => ({ label: `${i}`, value: 1 })) }, /201 bars are too many/],
  ])('rejects %s with an InputError', (_name, input, message) => {
    expect(() => barChart(input)).toThrow(InputError);
    expect(() => barChart(input)).toThrow(message);
  });
});

describe('confusionMatrix', () => {
  it('shades larger counts darker and writes each count in a colour that contrasts with its cell', () => {
    const chart = confusionMatrix(penguins);
    const cells = elements(chart.svg, 'rect').filter((rect) => rect.width === rect.height && Number(rect.width) > 40);
    expect(cells).toHaveLength(9);
    const counts = penguins.matrix.flat();
    const luminance = (fill: string) => relativeLuminance([1, 3, 5].map((i) => parseInt(fill.slice(i, i + 2), 16)) as [number, number, number]);
    cells.forEach((a, i) =>
      cells.forEach((b, j) => {
        if (counts[i]! > counts[j]!) expect(luminance(a.fill!)).toBeLessThan(luminance(b.fill!));
      }),
    );
    expect(cells[0]!.fill).toBe(hex(sequentialColour(1)));
    const labels = elements(chart.svg, 'text').filter((text) => text['font-weight'] === '600' && Number(text['font-size']) === 18);
    expect(labels.map((text) => text.fill)).toEqual(expect.arrayContaining(['#ffffff', '#212529']));
    expect(chart.table).toEqual({
      columns: ['True species \\ Predicted species', 'Adelie', 'Chinstrap', 'Gentoo'],
      rows: [['Adelie', '44', '1', '0'], ['Chinstrap', '2', '18', '0'], ['Gentoo', '0', '0', '38']],
    });
    expect(chart.description).toContain('Rows: True species; columns: Predicted species. Adelie: Adelie 44, Chinstrap 1, Gentoo 0; Chinstrap: Adelie 2');
  });

  it('keeps a Spanish caption longer than the matrix whole, and turns long class names upright', () => {
    const chart = confusionMatrix({
      ...penguins,
      lang: 'es',
      labels: ['sentimiento negativo', 'neutral', 'sentimiento positivo muy marcado'],
      axisLabels: { trueLabel: 'Clase verdadera de cada ejemplo del conjunto de prueba', predictedLabel: 'Clase predicha por el modelo para cada ejemplo del conjunto de prueba' },
    });
    const shown = texts(chart.svg).join(' ');
    for (const word of ['verdadera', 'ejemplo', 'predicha', 'modelo', 'prueba', 'marcado']) expect(shown).toContain(word);
    expect(elements(chart.svg, 'text').filter((text) => text.transform?.startsWith('rotate(-90')).length).toBeGreaterThanOrEqual(4);
  });

  it.each<[string, ConfusionMatrixInput, RegExp]>([
    ['too few rows', { ...penguins, matrix: penguins.matrix.slice(0, 2) }, /matrix has 2 rows but there are 3 labels/],
    ['a short row', { ...penguins, matrix: [[1, 2, 3], [4, 5], [6, 7, 8]] }, /row 1 \("Chinstrap"\) has 2 counts/],
    ['a NaN count', { ...penguins, matrix: [[1, 2, 3], [4, Number.NaN, 6], [7, 8, 9]] }, /\(true "Chinstrap", predicted "Chinstrap"\): count is NaN/],
    ['duplicate labels', { ...penguins, labels: ['Adelie', 'Adelie', 'Gentoo'] }, /label "Adelie" appears more than once/],
    ['too many classes', { ...penguins, labels: Array.from({ length: 51 }, (_, i) => `c${i}`), matrix: [] }, /51 classes are too many/],
  ])('rejects %s with an InputError', (_name, input, message) => {
    expect(() => confusionMatrix(input)).toThrow(InputError);
    expect(() => confusionMatrix(input)).toThrow(message);
  });
});

describe('intervalChart', () => {
  it('draws each estimate inside its interval, series told apart by marker shape, values written beside', () => {
    const chart = intervalChart(perClass);
    // Precisión as circles, F1 as squares: in the plot and beside each value.
    expect(elements(chart.svg, 'circle')).toHaveLength(4);
    expect(elements(chart.svg, 'rect').filter((rect) => rect.width === '9' && rect.height === '9')).toHaveLength(4);
    expect(texts(chart.svg)).toEqual(expect.arrayContaining(['Precisión 0,969 (0,867–0,997)', 'F1 0,971 (0,850–0,994)']));
    expect(chart.table).toEqual({
      columns: ['Especie', 'Precisión (IC 95 %)', 'F1 (IC 95 %)', 'Soporte'],
      rows: [
        ['Adelie', '0,969 (0,867–0,997)', '0,984 (0,916–0,996)', '31'],
        ['Chinstrap', '1,000 (0,873–1,000)', '0,971 (0,850–0,994)', '18'],
      ],
    });
    // The axis starts near the lowest bound and stops at 1, the ceiling.
    const ticks = texts(chart.svg).filter((text) => /^\d,\d\d$/.test(text));
    expect(ticks.at(-1)).toBe('1,00');
    expect(Number(ticks[0]!.replace(',', '.'))).toBeLessThanOrEqual(0.85);
  });

  it('rejects an estimate outside its interval', () => {
    const bad = { ...perClass, series: [{ name: 'F1', estimates: [{ value: 0.5, lower: 0.6, upper: 0.9 }, { value: 1, lower: 1, upper: 1 }] }] };
    expect(() => intervalChart(bad)).toThrow(/not a finite value inside its interval/);
  });
});

describe('stripChart', () => {
  it('shows every fit, stacking equal scores instead of hiding them, with mean ± std beside each row', () => {
    const chart = stripChart(folds);
    const dots = elements(chart.svg, 'circle').filter((circle) => circle['fill-opacity']);
    // One per fit, plus the legend's.
    expect(dots).toHaveLength(11);
    const atOne = dots.filter((dot) => dot.cx === dots.reduce((max, d) => (Number(d.cx) > Number(max) ? d.cx! : max), '0'));
    expect(new Set(atOne.map((dot) => dot.cy)).size).toBe(atOne.length);
    expect(texts(chart.svg)).toEqual(expect.arrayContaining(['0.988 ± 0.017', '0.974 ± 0.021']));
    expect(chart.table.columns).toEqual(['Metric', 'Mean ± std', 'Min', 'Max', 'Score of each fit']);
    expect(chart.table.rows[0]).toEqual(['Accuracy', '0.988 ± 0.017', '0.955', '1.000', '1.000, 1.000, 1.000, 0.955, 0.985']);
    expect(chart.description).toContain('Accuracy: mean 0.988 ± 0.017 (1.000, 1.000, 1.000, 0.955, 0.985)');
  });
});
