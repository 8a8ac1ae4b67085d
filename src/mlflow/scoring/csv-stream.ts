/**
 * A CSV file with a header, read as a stream of column tables of at most `chunkRows` rows each, so
 * that a file of any length is scored in bounded memory (`predict`). Each chunk is what
 * `parseCsvBody` makes of a request body with the same rows.
 */
import type { Readable } from 'node:stream';
import Papa from 'papaparse';
import { ScoringInputError } from './errors.js';
import { csvColumns, type ColumnTable } from './request.js';

export interface CsvChunk {
  table: ColumnTable;
  /** The 0-based data row the chunk starts at. */
  firstRow: number;
}

/**
 * Where the last complete record of `text` ends (after its newline), or -1. `text` starts at a
 * record's start, so a newline inside a quoted field is the only one to skip.
 */
function lastRecordEnd(text: string): number {
  if (!text.includes('"')) {
    const newline = text.lastIndexOf('\n');
    return newline === -1 ? -1 : newline + 1;
  }
  let end = -1;
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 34) quoted = !quoted;
    else if (char === 10 && !quoted) end = index + 1;
  }
  return end;
}

function parseRecords(text: string): string[][] {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  if (parsed.errors.some((error) => error.type === 'Quotes')) {
    throw new ScoringInputError('BAD_REQUEST', 'Failed to parse input as a Pandas DataFrame: a quoted field is not closed.');
  }
  return parsed.data;
}

/**
 * The input is cut at record boundaries and each piece parsed whole: Papa Parse's own stream mode
 * is some twenty times slower on large files.
 */
export async function* csvChunks(input: Readable, chunkRows: number): AsyncGenerator<CsvChunk> {
  input.setEncoding('utf8');
  let header: string[] | undefined;
  let batch: string[][] = [];
  let firstRow = 0;
  let carry = '';
  const take = function* (records: string[][], final: boolean): Generator<CsvChunk> {
    for (const record of records) {
      if (header === undefined) {
        header = record.map((column, index) => (index === 0 ? column.replace(/^\uFEFF/, '') : column));
        continue;
      }
      batch.push(record);
      if (batch.length === chunkRows) {
        yield { table: csvColumns(header, batch, firstRow + 2), firstRow };
        firstRow += batch.length;
        batch = [];
      }
    }
    if (final && header !== undefined && (batch.length > 0 || firstRow === 0)) yield { table: csvColumns(header, batch, firstRow + 2), firstRow };
  };
  for await (const text of input as AsyncIterable<string>) {
    const data = carry + text;
    const end = lastRecordEnd(data);
    if (end === -1) {
      carry = data;
      continue;
    }
    carry = data.slice(end);
    yield* take(parseRecords(data.slice(0, end)), false);
  }
  yield* take(parseRecords(carry), true);
  if (header === undefined) throw new ScoringInputError('BAD_REQUEST', 'Failed to parse input as a Pandas DataFrame: the CSV has no header row.');
}
