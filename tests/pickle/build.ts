/** Hand-assembles pickles byte by byte, for cases no Python pickler writes. */

export type Part = number | string | Uint8Array | readonly Part[];

/** Bytes from opcode chars, raw byte values, Uint8Arrays and nested lists of those. */
export function bytes(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  const add = (part: Part): void => {
    if (typeof part === 'number') out.push(part);
    else if (typeof part === 'string') for (const char of part) out.push(char.charCodeAt(0));
    else if (part instanceof Uint8Array) out.push(...part);
    else for (const inner of part) add(inner);
  };
  for (const part of parts) add(part);
  return Uint8Array.from(out);
}

export function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

/** SHORT_BINUNICODE with UTF-8 text. */
export function text(value: string): Uint8Array {
  const encoded = new TextEncoder().encode(value);
  return bytes(0x8c, encoded.length, encoded);
}

/** STACK_GLOBAL of two SHORT_BINUNICODE operands. */
export function global(module: string, name: string): Uint8Array {
  return bytes(text(module), text(name), 0x93);
}

export const PROTO4 = bytes(0x80, 4);
export const STOP = '.';
