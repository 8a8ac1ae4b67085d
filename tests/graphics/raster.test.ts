import { describe, expect, it } from 'vitest';

import { textRun } from '../../src/graphics/font.js';
import { Raster, type Rgb } from '../../src/graphics/raster.js';
import { FONTS } from '../../src/graphics/typography.js';

const WHITE: Rgb = [255, 255, 255];
const RED: Rgb = [200, 0, 0];

function pixel(raster: Raster, x: number, y: number): number[] {
  const at = (y * raster.width + x) * 3;
  return [...raster.pixels.subarray(at, at + 3)];
}

function inked(raster: Raster): Set<string> {
  const points = new Set<string>();
  for (let y = 0; y < raster.height; y += 1) {
    for (let x = 0; x < raster.width; x += 1) if (pixel(raster, x, y)[0] === RED[0]) points.add(`${x},${y}`);
  }
  return points;
}

describe('Raster', () => {
  it('clips rectangles to the canvas', () => {
    const raster = new Raster(4, 3, WHITE);
    raster.fillRect(-2, -2, 4, 4, RED);
    raster.fillRect(3, 2, 10, 10, RED);
    expect([...inked(raster)].sort()).toEqual(['0,0', '0,1', '1,0', '1,1', '3,2']);
  });

  it('outlines a rectangle inside its bounds', () => {
    const raster = new Raster(5, 4, WHITE);
    raster.strokeRect(0, 0, 5, 4, RED);
    expect(inked(raster).size).toBe(2 * 5 + 2 * 2);
    expect(pixel(raster, 2, 1)).toEqual([...WHITE]);
  });

  it('refuses a canvas without pixels', () => {
    expect(() => new Raster(0, 10, WHITE)).toThrow(RangeError);
    expect(() => new Raster(10.5, 10, WHITE)).toThrow(RangeError);
  });

  it('scales text by whole pixels', () => {
    const small = new Raster(40, 20, WHITE);
    const large = new Raster(80, 40, WHITE);
    small.drawText(textRun('Añ', FONTS.label), 0, 0, RED);
    large.drawText(textRun('Añ', FONTS.label, { scale: 2 }), 0, 0, RED);
    const doubled = new Set([...inked(small)].flatMap((point) => {
      const [x, y] = point.split(',').map(Number) as [number, number];
      return [`${2 * x},${2 * y}`, `${2 * x + 1},${2 * y}`, `${2 * x},${2 * y + 1}`, `${2 * x + 1},${2 * y + 1}`];
    }));
    expect(inked(small).size).toBeGreaterThan(10);
    expect(inked(large)).toEqual(doubled);
  });

  it('draws upward text as the same text turned a quarter turn anticlockwise', () => {
    const run = textRun('Real ¿sí?', FONTS.bold);
    const across = new Raster(run.width, run.height, WHITE);
    const up = new Raster(run.height, run.width, WHITE);
    across.drawText(run, 0, 0, RED);
    up.drawText(run, 0, 0, RED, 'up');
    const turned = new Set([...inked(across)].map((point) => {
      const [x, y] = point.split(',').map(Number) as [number, number];
      return `${y},${run.width - 1 - x}`;
    }));
    expect(inked(up)).toEqual(turned);
  });
});
