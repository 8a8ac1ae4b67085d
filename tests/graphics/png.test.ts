import { deflateSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { crc32, encodePng } from '../../src/graphics/png.js';
import { Raster } from '../../src/graphics/raster.js';
import { decodePng, paeth, referenceCrc32 } from './png-decoder.js';

/** A PNG built here, row by row with the given filter types, to prove the decoder on all five. */
function handMadePng(width: number, height: number, channels: 3 | 4, samples: Uint8Array, filters: number[]): Buffer {
  const stride = width * channels;
  const rows: number[] = [];
  for (let row = 0; row < height; row += 1) {
    const filter = filters[row % filters.length] ?? 0;
    rows.push(filter);
    for (let i = 0; i < stride; i += 1) {
      const value = samples[row * stride + i] ?? 0;
      const left = i >= channels ? (samples[row * stride + i - channels] ?? 0) : 0;
      const up = row > 0 ? (samples[(row - 1) * stride + i] ?? 0) : 0;
      const upLeft = row > 0 && i >= channels ? (samples[(row - 1) * stride + i - channels] ?? 0) : 0;
      const predictor = [0, left, up, Math.floor((left + up) / 2), paeth(left, up, upLeft)][filter] ?? 0;
      rows.push((value - predictor) & 0xff);
    }
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(referenceCrc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = channels === 3 ? 2 : 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

describe('test decoder', () => {
  it.each([0, 1, 2, 3, 4])('reverses filter type %i (RGB and RGBA)', (filter) => {
    for (const channels of [3, 4] as const) {
      const samples = noise(7 * 5 * channels, filter + channels);
      const decoded = decodePng(handMadePng(7, 5, channels, samples, [filter]));
      expect(decoded.channels).toBe(channels);
      expect([...decoded.samples]).toEqual([...samples]);
    }
  });

  it('rejects a corrupted chunk', () => {
    const png = handMadePng(2, 2, 3, noise(12, 1), [0]);
    png[png.length - 20] = (png[png.length - 20] ?? 0) ^ 0xff; // inside IDAT
    expect(() => decodePng(png)).toThrow(/CRC mismatch/);
  });
});

describe('PNG encoder', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(Buffer.from('123456789', 'ascii'))).toBe(0xcbf43926);
    const bytes = noise(1000, 7);
    expect(crc32(bytes)).toBe(referenceCrc32(bytes));
  });

  it('writes an 8-bit truecolour image whose every pixel decodes back', () => {
    const raster = new Raster(37, 11, [255, 255, 255]);
    raster.fillRect(3, 2, 10, 4, [0, 114, 178]);
    raster.fillRect(20, 0, 1, 11, [213, 94, 0]);
    raster.fillRect(30, 5, 50, 50, [1, 2, 3]); // clipped at the right and bottom edges
    const decoded = decodePng(encodePng(raster));
    expect(decoded.chunkTypes).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([decoded.width, decoded.height, decoded.colourType]).toEqual([37, 11, 2]);
    expect([...decoded.samples]).toEqual([...raster.pixels]);
    expect(decoded.rgb(3, 2)).toEqual([0, 114, 178]);
    expect(decoded.rgb(12, 5)).toEqual([0, 114, 178]);
    expect(decoded.rgb(13, 5)).toEqual([255, 255, 255]);
    expect(decoded.rgb(20, 10)).toEqual([213, 94, 0]);
    expect(decoded.rgb(36, 10)).toEqual([1, 2, 3]);
  });

  it('decodes a one-pixel image', () => {
    const decoded = decodePng(encodePng(new Raster(1, 1, [9, 8, 7])));
    expect(decoded.rgb(0, 0)).toEqual([9, 8, 7]);
  });

  it('gives identical bytes for identical pixels', () => {
    const draw = (): Buffer => {
      const raster = new Raster(64, 32, [250, 250, 250]);
      raster.fillRect(5, 5, 40, 10, [0, 158, 115]);
      return encodePng(raster);
    };
    expect(draw().equals(draw())).toBe(true);
  });
});
