/**
 * Predictions written chunk by chunk to a file, so that `predict` holds one chunk at a time:
 *
 * - JSON: the document `mlflow models predict` writes, `{"predictions": {"label": [...],
 *   "probabilities": [...]}}` in Python's layout. The outputs are columns, so each output after
 *   the first goes to a side file while the rows stream, and is appended when the last chunk is in.
 * - CSV: one row per prediction; an output whose values are lists becomes one column per position
 *   (`probabilities_Adelie` when the model names the positions, else `probabilities_0`).
 */
import { createReadStream } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { pythonFloat, pythonJson, pythonString } from './python-json.js';

export type PredictionFormat = 'json' | 'csv';

/** A model's answer for a chunk of rows: output name -> one value per row. */
export type Predictions = Record<string, unknown>;

export interface PredictionFile {
  append(predictions: Predictions): Promise<void>;
  /** Completes the file; it is whole from here on. */
  close(): Promise<void>;
  /** Closes and removes everything written (after a failure). */
  discard(): Promise<void>;
}

function columnOf(predictions: Predictions, output: string): unknown[] {
  const values = predictions[output];
  return Array.isArray(values) ? values : Array.from(values as ArrayLike<unknown>);
}

class JsonPredictionFile implements PredictionFile {
  private outputs: string[] | undefined;
  /** Per output after the first, its side file; per output, whether a value is written yet. */
  private readonly sides: FileHandle[] = [];
  private started: boolean[] = [];

  constructor(
    private readonly path: string,
    private readonly main: FileHandle,
  ) {}

  private sidePath(index: number): string {
    return `${this.path}.output-${index}`;
  }

  async append(predictions: Predictions): Promise<void> {
    if (this.outputs === undefined) {
      this.outputs = Object.keys(predictions);
      this.started = this.outputs.map(() => false);
      for (let index = 1; index < this.outputs.length; index++) this.sides.push(await open(this.sidePath(index), 'w'));
      await this.main.write(this.outputs.length === 0 ? '{"predictions": {' : `{"predictions": {${pythonString(this.outputs[0]!)}: [`);
    }
    for (const [index, output] of this.outputs.entries()) {
      const values = columnOf(predictions, output);
      if (values.length === 0) continue;
      const text = values.map(pythonJson).join(', ');
      await (index === 0 ? this.main : this.sides[index - 1]!).write(this.started[index] ? `, ${text}` : text);
      this.started[index] = true;
    }
  }

  async close(): Promise<void> {
    const outputs = this.outputs ?? [];
    for (const [index, side] of this.sides.entries()) {
      await side.close();
      await this.main.write(`], ${pythonString(outputs[index + 1]!)}: [`);
      for await (const chunk of createReadStream(this.sidePath(index + 1))) await this.main.write(chunk as Buffer);
    }
    await this.main.write(outputs.length === 0 ? '}}' : ']}}');
    await this.main.close();
    await this.removeSides();
  }

  async discard(): Promise<void> {
    await Promise.allSettled([this.main.close(), ...this.sides.map((side) => side.close())]);
    await this.removeSides();
    await rm(this.path, { force: true });
  }

  private async removeSides(): Promise<void> {
    await Promise.all(this.sides.map((_, index) => rm(this.sidePath(index + 1), { force: true })));
  }
}

/** A CSV field as pandas `to_csv` writes it: floats in `repr` form, text quoted when it must be. */
export function csvField(value: unknown): string {
  if (typeof value === 'number') return pythonFloat(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

class CsvPredictionFile implements PredictionFile {
  private outputs: string[] | undefined;

  constructor(
    private readonly path: string,
    private readonly file: FileHandle,
    private readonly positionNames: Readonly<Record<string, readonly string[]>>,
  ) {}

  async append(predictions: Predictions): Promise<void> {
    const columns = Object.keys(predictions).map((output) => columnOf(predictions, output));
    const rowCount = columns[0]?.length ?? 0;
    const lines: string[] = [];
    if (this.outputs === undefined) {
      this.outputs = Object.keys(predictions);
      lines.push(this.header(columns).map(csvField).join(','));
    }
    for (let row = 0; row < rowCount; row++) {
      lines.push(columns.flatMap((values) => (Array.isArray(values[row]) || ArrayBuffer.isView(values[row]) ? Array.from(values[row] as ArrayLike<unknown>) : [values[row]])).map(csvField).join(','));
    }
    if (lines.length > 0) await this.file.write(`${lines.join('\n')}\n`);
  }

  private header(columns: unknown[][]): string[] {
    return this.outputs!.flatMap((output, index) => {
      const first = columns[index]![0];
      if (!Array.isArray(first) && !ArrayBuffer.isView(first)) return [output];
      const names = this.positionNames[output];
      return Array.from({ length: (first as ArrayLike<unknown>).length }, (_, position) => `${output}_${names?.[position] ?? position}`);
    });
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  async discard(): Promise<void> {
    await this.file.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}

/**
 * Opens `path` (a temporary file: the caller renames it into place once closed). `positionNames`
 * names the positions of list outputs, for CSV headers.
 */
export async function openPredictionFile(path: string, format: PredictionFormat, positionNames: Readonly<Record<string, readonly string[]>> = {}): Promise<PredictionFile> {
  const file = await open(path, 'wx');
  return format === 'json' ? new JsonPredictionFile(path, file) : new CsvPredictionFile(path, file, positionNames);
}
