/**
 * An independent PNG decoder for the chart tests: it shares no code with src/graphics, so a bug
 * in the encoder cannot hide behind the same bug here. It checks the signature, every chunk's
 * CRC, the chunk order, and reverses all five scanline filters. 8-bit truecolour (type 2) and
 * truecolour with alpha (type 6), non-interlaced: what a PNG of ours may use.
 */

import { inflateSync } from 'node:zlib';

export type Rgb = [number, number, number];

export interface DecodedPng {
  width: number;
  height: number;
  colourType: number;
  channels: number;
  /** Chunk types in file order. */
  chunkTypes: string[];
  /** Raw samples, `channels` bytes a pixel, row by row. */
  samples: Uint8Array;
  rgb(x: number, y: number): Rgb;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** CRC-32 as the PNG specification's annex gives it, computed bit by bit. */
function referenceCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export function decodePng(png: Uint8Array): DecodedPng {
  const buffer = Buffer.from(png);
  SIGNATURE.forEach((byte, i) => {
    if (buffer[i] !== byte) throw new Error(`bad signature byte ${i}`);
  });
  const chunkTypes: string[] = [];
  const idat: Buffer[] = [];
  let header: Buffer | undefined;
  let offset = 8;
  while (offset < buffer.length) {
    if (offset + 12 > buffer.length) throw new Error(`truncated chunk at ${offset}`);
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    if (offset + 12 + length > buffer.length) throw new Error(`chunk ${type} runs past the end`);
    const data = buffer.subarray(offset + 8, offset + 8 + length);
    const stored = buffer.readUInt32BE(offset + 8 + length);
    const actual = referenceCrc32(buffer.subarray(offset + 4, offset + 8 + length));
    if (stored !== actual) throw new Error(`CRC mismatch in ${type}: stored ${stored}, computed ${actual}`);
    chunkTypes.push(type);
    if (type === 'IHDR') header = data;
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
    if (type === 'IEND') break;
  }
  if (offset !== buffer.length) throw new Error('bytes after IEND');
  if (chunkTypes[0] !== 'IHDR' || !header || header.length !== 13) throw new Error('IHDR must come first');
  if (chunkTypes.at(-1) !== 'IEND') throw new Error('IEND must come last');
  const firstIdat = chunkTypes.indexOf('IDAT');
  const lastIdat = chunkTypes.lastIndexOf('IDAT');
  if (firstIdat < 0) throw new Error('no IDAT');
  if (chunkTypes.slice(firstIdat, lastIdat + 1).some((type) => type !== 'IDAT')) throw new Error('IDAT chunks must be consecutive');

  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const [bitDepth, colourType, compression, filterMethod, interlace] = [header[8], header[9], header[10], header[11], header[12]];
  if (width === 0 || height === 0) throw new Error('zero dimension');
  if (bitDepth !== 8) throw new Error(`unsupported bit depth ${bitDepth}`);
  if (colourType !== 2 && colourType !== 6) throw new Error(`unsupported colour type ${colourType}`);
  if (compression !== 0 || filterMethod !== 0 || interlace !== 0) throw new Error('unsupported compression, filter or interlace method');
  const channels = colourType === 2 ? 3 : 4;
  const stride = width * channels;
  const filtered = inflateSync(Buffer.concat(idat));
  if (filtered.length !== height * (stride + 1)) {
    throw new Error(`image data has ${filtered.length} bytes, expected ${height * (stride + 1)}`);
  }
  const samples = new Uint8Array(height * stride);
  for (let row = 0; row < height; row += 1) {
    const filter = filtered[row * (stride + 1)];
    for (let i = 0; i < stride; i += 1) {
      const raw = filtered[row * (stride + 1) + 1 + i] as number;
      const left = i >= channels ? (samples[row * stride + i - channels] as number) : 0;
      const up = row > 0 ? (samples[(row - 1) * stride + i] as number) : 0;
      const upLeft = row > 0 && i >= channels ? (samples[(row - 1) * stride + i - channels] as number) : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = left; break;
        case 2: predictor = up; break;
        case 3: predictor = Math.floor((left + up) / 2); break;
        case 4: predictor = paeth(left, up, upLeft); break;
        default: throw new Error(`unknown filter type ${filter} on row ${row}`);
      }
      samples[row * stride + i] = (raw + predictor) & 0xff;
    }
  }
  return {
    width,
    height,
    colourType,
    channels,
    chunkTypes,
    samples,
    rgb(x, y) {
      if (x < 0 || y < 0 || x >= width || y >= height) throw new Error(`pixel (${x}, ${y}) is outside ${width}x${height}`);
      const at = (y * width + x) * channels;
      return [samples[at] as number, samples[at + 1] as number, samples[at + 2] as number];
    },
  };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
