/**
 * How pickle opcodes write their arguments: little-endian two's complement integers (LONG1, LONG4)
 * and the escapes of protocol 0's text arguments (STRING, UNICODE), decoded as CPython does.
 */

export function toInt(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Little-endian two's complement, as LONG1 and LONG4 store integers. */
export function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let hex = '';
  for (let index = bytes.length - 1; index >= 0; index -= 1) hex += (bytes[index] ?? 0).toString(16).padStart(2, '0');
  let value = BigInt(`0x${hex}`);
  if ((bytes[bytes.length - 1] ?? 0) & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return toInt(value);
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/** Python's `codecs.escape_decode`, as protocol 0 STRING arguments are written. */
export function escapeDecode(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|\n|.)/gs, (whole, escape: string) => {
    if (escape === '\n') return '';
    if (escape[0] === 'x') return String.fromCharCode(parseInt(escape.slice(1), 16));
    if (/^[0-7]/.test(escape)) return String.fromCharCode(parseInt(escape, 8) & 0xff);
    return SIMPLE_ESCAPES[escape] ?? whole;
  });
}

const HEX = /^[0-9a-fA-F]+$/;

/**
 * Python's `raw-unicode-escape` decoding, as protocol 0 UNICODE arguments are written, in one pass:
 * a backslash followed by `u` + 4 or `U` + 8 hex digits is that character; a backslash followed by
 * anything else is kept with that character (so `\\\\u0041` stays as written); a `\\u` without its
 * digits, or above U+10FFFF, makes Python refuse the pickle. Returns undefined for those.
 */
export function rawUnicodeEscapeDecode(text: string): string | undefined {
  const parts: string[] = [];
  let from = 0;
  let index = text.indexOf('\\');
  while (index >= 0 && index < text.length - 1) {
    const marker = text[index + 1];
    if (marker === 'u' || marker === 'U') {
      const digits = text.slice(index + 2, index + (marker === 'u' ? 6 : 10));
      if (digits.length !== (marker === 'u' ? 4 : 8) || !HEX.test(digits)) return undefined;
      const code = Number.parseInt(digits, 16);
      if (code > 0x10ffff) return undefined;
      parts.push(text.slice(from, index), String.fromCodePoint(code));
      from = index + 2 + digits.length;
      index = text.indexOf('\\', from);
    } else {
      // The escaped character is taken as it is, even when it is itself a backslash.
      index = text.indexOf('\\', index + 2);
    }
  }
  parts.push(text.slice(from));
  return parts.join('');
}
