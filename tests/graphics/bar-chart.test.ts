import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { InputError } from '../../src/errors.js';
import { AXIS, INK, SERIES_COLOURS } from '../../src/graphics/colour.js';
import {
  barChartPng,
  groupedBarChartPng,
  toBase64,
  type BarChartInput,
  type GroupedBarChartInput,
} from '../../src/graphics/index.js';
import { decodePng, type DecodedPng } from './png-decoder.js';
import { boundingBox, columnRuns, countPixels, is, rowRuns } from './probe.js';

const BLUE = SERIES_COLOURS[0]!;

interface Bar {
  top: number;
  bottom: number;
  left: number;
  length: number;
}

/** Bars of one colour, top to bottom, found from the pixels: every run of that colour down the left edge of the plot. */
function findBars(png: DecodedPng, colour: readonly number[], left?: number): Bar[] {
  const start = left ?? boundingBox(png, is(colour))?.left;
  if (start === undefined) return [];
  return columnRuns(png, start, is(colour)).map((run) => {
    const middle = Math.floor((run.start + run.end) / 2);
    const horizontal = rowRuns(png, middle, is(colour)).find((candidate) => candidate.start === start);
    return { top: run.start, bottom: run.end, left: start, length: horizontal?.length ?? 0 };
  });
}

/** The value axis: the longest horizontal run of the axis colour. */
function findAxis(png: DecodedPng): { y: number; start: number; end: number } {
  let best = { y: -1, start: 0, end: 0 };
  for (let y = 0; y < png.height; y += 1) {
    for (const run of rowRuns(png, y, is(AXIS))) if (run.length > best.end - best.start) best = { y, start: run.start, end: run.end };
  }
  return best;
}

const importance: BarChartInput = {
  title: 'Feature importance',
  items: [
    { label: 'bill_length_mm', value: 0.312 },
    { label: 'flipper_length_mm', value: 0.412 },
    { label: 'bill_depth_mm', value: 0.154 },
    { label: 'body_mass_g', value: 0.081 },
  ],
};

describe('barChartPng', () => {
  it('draws bar lengths proportional to the values on a fixed 0..1 axis', () => {
    const values = [1, 0.5, 0.25, 0.8, 0.967];
    const png = decodePng(barChartPng({ title: 'F1', domain: [0, 1], items: values.map((value, i) => ({ label: `class ${i}`, value })) }));
    const bars = findBars(png, BLUE);
    expect(bars).toHaveLength(values.length);
    const full = bars[0]!.length;
    bars.forEach((bar, i) => expect(Math.abs(bar.length - full * values[i]!), `bar ${i}`).toBeLessThanOrEqual(1));
    // The axis ends at the domain's 1, not beyond: the value-1 bar spans the whole axis.
    const axis = findAxis(png);
    expect(axis.y).toBeGreaterThan(bars.at(-1)!.bottom);
    expect(axis.end - bars[0]!.left).toBe(full);
  });

  it('keeps the input order, or sorts descending when asked', () => {
    const inOrder = findBars(decodePng(barChartPng(importance)), BLUE).map((bar) => bar.length);
    const sorted = findBars(decodePng(barChartPng({ ...importance, sort: 'descending' })), BLUE).map((bar) => bar.length);
    expect(inOrder[1]).toBeGreaterThan(inOrder[0]!);
    expect(sorted).toEqual([...inOrder].sort((a, b) => b - a));
    sorted.slice(1).forEach((length, i) => expect(length).toBeLessThanOrEqual(sorted[i]!));
  });

  it('extends the axis past the largest value to a round number when no domain is given', () => {
    const png = decodePng(barChartPng(importance));
    const bars = findBars(png, BLUE);
    const longest = Math.max(...bars.map((bar) => bar.length));
    const axis = findAxis(png);
    // 0.412 on an axis to 0.5: the bar takes 82% of it.
    expect(Math.abs(longest / (axis.end - bars[0]!.left) - 0.412 / 0.5)).toBeLessThan(0.01);
  });

  it('writes category labels left of the bars and values at their ends', () => {
    const png = decodePng(barChartPng(importance));
    for (const bar of findBars(png, BLUE)) {
      const label = { left: 0, right: bar.left - 2, top: bar.top, bottom: bar.bottom };
      const value = { left: bar.left + bar.length + 1, right: bar.left + bar.length + 45, top: bar.top - 1, bottom: bar.bottom + 1 };
      expect(countPixels(png, label, is(INK))).toBeGreaterThan(30);
      expect(countPixels(png, value, is(INK))).toBeGreaterThan(20);
      // nothing written past the value label
      expect(countPixels(png, { ...value, left: value.right + 4, right: png.width }, is(INK))).toBe(0);
    }
  });

  it('writes the value with the requested format', () => {
    const render = (valueFormat?: (v: number) => string) => decodePng(barChartPng({ ...importance, valueFormat }));
    const short = render((v) => `${Math.round(v * 100)}`);
    const long = render((v) => `${(v * 100).toFixed(1)} %`);
    const ink = (png: DecodedPng) => {
      const bar = findBars(png, BLUE)[0]!;
      return boundingBox(png, is(INK), { left: bar.left + bar.length + 1, right: png.width, top: bar.top, bottom: bar.bottom });
    };
    expect(ink(long)!.right - ink(long)!.left).toBeGreaterThan(ink(short)!.right - ink(short)!.left + 20);
  });

  it('grows by one row per bar and caps its width however long the labels', () => {
    const height = (count: number) =>
      decodePng(barChartPng({ title: 't', items: Array.from({ length: count }, (_, i) => ({ label: `f${i}`, value: i + 1 })) })).height;
    const [two, three, four] = [height(2), height(3), height(4)];
    expect(three - two).toBeGreaterThan(0);
    expect(four - three).toBe(three - two);
    const withLabel = (label: string) => decodePng(barChartPng({ title: 't', items: [{ label, value: 1 }] })).width;
    expect(withLabel('a'.repeat(60))).toBe(withLabel('a'.repeat(300)));
    expect(withLabel('a'.repeat(300))).toBeLessThanOrEqual(640);
    expect(withLabel('a')).toBeLessThan(withLabel('a'.repeat(20)));
  });

  it('draws Spanish labels with their accents', () => {
    const render = (label: string) => decodePng(barChartPng({ title: 'Importancia de variables', items: [{ label, value: 0.5 }] }));
    const accented = render('año_de_fabricación');
    const plain = render('ano_de_fabricacion');
    const labelInk = (png: DecodedPng) => {
      const bar = findBars(png, BLUE)[0]!;
      return countPixels(png, { left: 0, right: bar.left - 2, top: bar.top - 2, bottom: bar.bottom + 2 }, is(INK));
    };
    expect(labelInk(plain)).toBeGreaterThan(30);
    expect(labelInk(accented)).toBeGreaterThan(labelInk(plain));
  });

  it('gives byte-identical output for identical input', () => {
    expect(barChartPng(importance).equals(barChartPng(structuredClone(importance)))).toBe(true);
  });

  it('keeps bars proportional for any values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 8 }), (values) => {
        const png = decodePng(barChartPng({ title: '', items: values.map((value, i) => ({ label: `v${i}`, value })) }));
        const bars = findBars(png, BLUE);
        const largest = Math.max(...values);
        const longest = Math.max(...bars.map((bar) => bar.length));
        const visible = values.filter((value) => (value / largest) * longest >= 0.5);
        expect(bars).toHaveLength(visible.length);
        bars.forEach((bar, i) => expect(Math.abs(bar.length - (longest * visible[i]!) / largest)).toBeLessThanOrEqual(1));
      }),
      { numRuns: 40, seed: 20240611 },
    );
  });

  describe('rejects bad input with an InputError that says where', () => {
    const cases: [string, BarChartInput, RegExp][] = [
      ['no items', { title: 't', items: [] }, /items is empty/],
      ['a NaN value', { title: 't', items: [{ label: 'a', value: 1 }, { label: 'b', value: Number.NaN }] }, /items\[1\] \("b"\): value is NaN/],
      ['a negative value', { title: 't', items: [{ label: 'a', value: -0.1 }] }, /value is -0.1, expected a number ≥ 0/],
      ['a missing label', { title: 't', items: [{ value: 1 } as unknown as { label: string; value: number }] }, /items\[0\]\.label: label must be a string/],
      ['a domain not from 0', { title: 't', items: [{ label: 'a', value: 1 }], domain: [1, 2] as unknown as [0, number] }, /domain \[1, 2\]/],
      ['a value beyond the domain', { title: 't', items: [{ label: 'a', value: 1.5 }], domain: [0, 1] }, /value 1.5 lies outside the axis 0..1/],
      ['too many bars', { title: 't', items: Array.from({ length: 201 }, (_, i) => ({ label: `${i}`, value: 1 })) }, /201 bars are too many/],
    ];
    it.each(cases)('%s', (_name, input, message) => {
      expect(() => barChartPng(input)).toThrow(InputError);
      expect(() => barChartPng(input)).toThrow(message);
    });
  });
});

const perClass: GroupedBarChartInput = {
  title: 'Precisión, exhaustividad y F1 por clase',
  domain: [0, 1],
  categories: ['Adelie', 'Chinstrap', 'Gentoo'],
  series: [
    { name: 'Precisión', values: [0.957, 0.5, 1] },
    { name: 'Exhaustividad', values: [0.978, 0.9, 0.25] },
    { name: 'F1', values: [0.967, 0.643, 0.4] },
  ],
};

describe('groupedBarChartPng', () => {
  it('draws one bar per series in each category, in series order and colour, proportional to the values', () => {
    const png = decodePng(groupedBarChartPng(perClass));
    const plotLeft = boundingBox(png, is(BLUE), { left: 0, right: png.width, top: 60, bottom: png.height })!.left;
    const perSeries = perClass.series.map((_, s) => findBars(png, SERIES_COLOURS[s]!, plotLeft).filter((bar) => bar.length > 12));
    perSeries.forEach((bars) => expect(bars).toHaveLength(3));
    const full = perSeries[0]![2]!.length; // Precisión for Gentoo is 1
    perClass.series.forEach((series, s) =>
      series.values.forEach((value, c) => {
        const bar = perSeries[s]![c]!;
        expect(Math.abs(bar.length - full * value), `${series.name} ${perClass.categories[c]}`).toBeLessThanOrEqual(1);
        if (s > 0) expect(bar.top, 'series stack top to bottom').toBeGreaterThan(perSeries[s - 1]![c]!.top);
      }),
    );
  });

  it('shows a legend swatch for each series, left to right, above the bars', () => {
    const png = decodePng(groupedBarChartPng(perClass));
    const firstBar = boundingBox(png, is(BLUE), { left: 0, right: png.width, top: 60, bottom: png.height })!;
    const swatches = SERIES_COLOURS.slice(0, 3).map((colour) => boundingBox(png, is(colour), { left: 0, right: png.width, top: 0, bottom: firstBar.top - 2 }));
    swatches.forEach((swatch) => expect(swatch).toBeDefined());
    expect(new Set(swatches.map((swatch) => swatch!.top)).size).toBe(1);
    expect(swatches[0]!.left).toBeLessThan(swatches[1]!.left);
    expect(swatches[1]!.left).toBeLessThan(swatches[2]!.left);
    swatches.forEach((swatch) => {
      const name = { left: swatch!.right + 2, right: swatch!.right + 40, top: swatch!.top - 2, bottom: swatch!.bottom + 2 };
      expect(countPixels(png, name, is(INK))).toBeGreaterThan(10);
    });
  });

  it('wraps a legend too wide for one line', () => {
    const many = { ...perClass, series: ['Precisión macro promedio', 'Exhaustividad macro promedio', 'Puntuación F1 macro', 'Exactitud balanceada'].map((name) => ({ name, values: [0.5, 0.6, 0.7] })) };
    const png = decodePng(groupedBarChartPng(many));
    const firstBarTop = findBars(png, BLUE).at(-3)!.top;
    const swatchTops = SERIES_COLOURS.slice(0, 4).map((colour) => boundingBox(png, is(colour), { left: 0, right: png.width, top: 0, bottom: firstBarTop - 2 })!.top);
    expect(new Set(swatchTops).size).toBe(2);
    expect(png.width).toBeLessThanOrEqual(640);
  });

  it('gives byte-identical output for identical input', () => {
    expect(groupedBarChartPng(perClass).equals(groupedBarChartPng(structuredClone(perClass)))).toBe(true);
  });

  describe('rejects bad input with an InputError that says where', () => {
    const cases: [string, GroupedBarChartInput, RegExp][] = [
      ['no categories', { ...perClass, categories: [] }, /categories is empty/],
      ['no series', { ...perClass, series: [] }, /series is empty/],
      ['a series too short', { ...perClass, series: [{ name: 'F1', values: [0.5, 0.6] }] }, /series "F1" has 2 values but there are 3 categories/],
      ['a NaN value', { ...perClass, series: [{ name: 'F1', values: [0.5, Number.NaN, 0.1] }] }, /series\[0\] \("F1"\) for "Chinstrap": value is NaN/],
      ['duplicate categories', { ...perClass, categories: ['a', 'b', 'a'] }, /label "a" appears more than once/],
    ];
    it.each(cases)('%s', (_name, input, message) => {
      expect(() => groupedBarChartPng(input)).toThrow(InputError);
      expect(() => groupedBarChartPng(input)).toThrow(message);
    });
  });
});

describe('toBase64', () => {
  it('gives the bare base64 of the PNG, as a Model Card graphic holds it', () => {
    const png = barChartPng(importance);
    const encoded = toBase64(png);
    expect(encoded).toMatch(/^iVBORw0KGgo[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(encoded, 'base64').equals(png)).toBe(true);
    expect(toBase64(new Uint8Array(png).subarray(8, 16))).toBe(png.subarray(8, 16).toString('base64'));
  });
});
