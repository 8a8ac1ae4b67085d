import { describe, expect, it } from 'vitest';

import { BitmapFont, textRun } from '../../src/graphics/font.js';
import { FONTS } from '../../src/graphics/typography.js';

const font = FONTS.label;
const codePoints = (text: string): number[] => [...text].map((char) => char.codePointAt(0) ?? -1);

function glyphBits(target: BitmapFont, codePoint: number): string {
  let bits = '';
  for (let row = 0; row < target.height; row += 1) {
    for (let column = 0; column < target.width; column += 1) bits += target.ink(codePoint, column, row) ? '#' : '.';
  }
  return bits;
}

describe('bitmap fonts', () => {
  const spanish = 'áéíóúñüÁÉÍÓÚÑÜ¿¡';

  it.each(Object.entries(FONTS))('%s font draws Spanish letters with their own glyphs', (_name, target) => {
    expect(target.drawable(spanish)).toEqual(codePoints(spanish));
    for (const char of spanish) {
      const glyph = glyphBits(target, char.codePointAt(0) ?? 0);
      expect(glyph, char).toContain('#');
      const base = char.normalize('NFD')[0] ?? '';
      if (base !== char) expect(glyph, `${char} differs from ${base}`).not.toBe(glyphBits(target, base.codePointAt(0) ?? 0));
    }
  });

  it('composes decomposed accents before drawing', () => {
    expect(font.drawable('Cami\u006f\u0301n')).toEqual(codePoints('Camión'));
  });

  it('folds letters it has no glyph for to their base letters', () => {
    expect(font.drawable('Việt')).toEqual(codePoints('Viet'));
    expect(font.drawable('ﬁt')).toEqual(codePoints('fit'));
    expect(font.drawable('x²')).toEqual(codePoints('x²'));
  });

  it('draws U+FFFD, with ink, for characters it cannot fold', () => {
    expect(font.drawable('a中b')).toEqual([0x61, 0xfffd, 0x62]);
    expect(glyphBits(font, 0x4e2d)).toBe(glyphBits(font, 0xfffd));
    expect(glyphBits(font, 0xfffd)).toContain('#');
  });

  it('keeps a label on one line and drops invisible characters', () => {
    expect(font.drawable('a\nb\tc\u00a0d')).toEqual(codePoints('a b c d'));
    expect(font.drawable('co\u00adop\u200derate')).toEqual(codePoints('cooperate'));
  });
});

describe('textRun', () => {
  it('leaves text that fits alone', () => {
    const run = textRun('Gentoo', font, { maxWidth: 6 * font.width });
    expect(run.codePoints).toEqual(codePoints('Gentoo'));
    expect(run.truncated).toBe(false);
    expect(run.width).toBe(6 * font.width);
    expect(run.height).toBe(font.height);
  });

  it('cuts long titles at the end with an ellipsis, within the width', () => {
    const run = textRun('Matriz de confusión del conjunto de prueba', font, { maxWidth: 11 * font.width + 3 });
    expect(String.fromCodePoint(...run.codePoints)).toBe('Matriz de…');
    expect(run.truncated).toBe(true);
    expect(run.width).toBeLessThanOrEqual(11 * font.width + 3);
  });

  it('cuts names in the middle so names sharing a prefix stay distinct', () => {
    const options = { maxWidth: 11 * font.width, truncate: 'middle' as const };
    const biscoe = String.fromCodePoint(...textRun('island_of_Biscoe', font, options).codePoints);
    const dream = String.fromCodePoint(...textRun('island_of_Dream', font, options).codePoints);
    expect(biscoe).toBe('islan…iscoe');
    expect(dream).toBe('islan…Dream');
  });

  it('scales by whole pixels', () => {
    const run = textRun('F1', font, { scale: 3 });
    expect([run.width, run.height]).toEqual([2 * font.width * 3, font.height * 3]);
  });

  it('draws nothing when not even the ellipsis fits', () => {
    expect(textRun('Adelie', font, { maxWidth: font.width - 1 }).codePoints).toEqual([]);
  });
});
