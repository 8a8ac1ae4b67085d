/**
 * PNG encoding (8-bit truecolour, colour type 2) with node:zlib only.
 *
 * The output depends on nothing but the pixels: no time chunk, no text chunk, fixed compression
 * settings, so the same chart gives byte-identical files and cards diff cleanly between runs.
 */

import { deflateSync } from 'node:zlib';

import type { Raster } from './raster.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BYTES_PER_PIXEL = 3;
const COLOUR_TYPE_TRUECOLOUR = 2;
const FILTER_UP = 2;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return ~c >>> 0;
}

export function encodePng(raster: Raster): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(raster.width, 0);
  header.writeUInt32BE(raster.height, 4);
  header[8] = 8; // bit depth
  header[9] = COLOUR_TYPE_TRUECOLOUR;
  // compression, filter and interlace methods stay 0: deflate, adaptive filtering, no interlace
  const image = deflateSync(filterRows(raster), { level: 6 });
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', image), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Every scanline uses the Up filter: charts are mostly flat colour and vertical structure, so
 * most rows become runs of zeros. Measured on our charts it compresses better than choosing a
 * filter per row by the usual heuristic, and costs a fraction of the time.
 */
function filterRows(raster: Raster): Buffer {
  const pixels = raster.pixels;
  const stride = raster.width * BYTES_PER_PIXEL;
  const out = Buffer.alloc((stride + 1) * raster.height);
  for (let row = 0; row < raster.height; row += 1) {
    const target = row * (stride + 1);
    out[target] = FILTER_UP;
    const line = pixels.subarray(row * stride, (row + 1) * stride);
    if (row === 0) {
      out.set(line, target + 1);
      continue;
    }
    const previous = pixels.subarray((row - 1) * stride, row * stride);
    for (let i = 0; i < stride; i += 1) out[target + 1 + i] = ((line[i] as number) - (previous[i] as number)) & 0xff;
  }
  return out;
}
