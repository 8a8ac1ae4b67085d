/**
 * `predict`: batch scoring like `mlflow models predict`. The model is loaded as `serve` loads it
 * and every row goes through the same request parsing and signature checks; CSV input is read and
 * scored `CHUNK_ROWS` rows at a time, and the predictions are written chunk by chunk to a temporary
 * file that replaces the output (or goes to stdout) only once every row is scored, so a failure
 * leaves nothing half-written.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError, OutputError } from '../errors.js';
import { replaceFile } from '../io/atomic.js';
import type { MlflowClient } from '../mlflow/client.js';
import { csvChunks, type CsvChunk } from '../mlflow/scoring/csv-stream.js';
import { openPredictionFile, type PredictionFile, type PredictionFormat } from '../mlflow/scoring/prediction-file.js';
import { scoringTable, type ServableModel } from '../mlflow/scoring/server.js';
import { enforceInputs } from '../mlflow/scoring/tensor-schema.js';
import { loadServedModel } from './served-model.js';

/**
 * Rows scored and written at a time: large enough to amortize the per-chunk work, small enough to stay a few MB.
 * @internal exported for its unit tests only
 */
export const CHUNK_ROWS = 10_000;

export type InputFormat = 'csv' | 'json';

export interface PredictRequest {
  location: string;
  /** A file, or `-` for stdin. */
  input: string;
  inputFormat: InputFormat;
  /** The file to write; stdout when absent. */
  output: string | undefined;
  outputFormat: PredictionFormat;
}

export interface PredictSummary {
  rows: number;
}

/** Heap a JSON request takes per byte while it is parsed and checked (measured 3.6 once parsed; parsing peaks higher). */
const HEAP_BYTES_PER_JSON_BYTE = 8;

/** A JSON input is one document, read whole: refused, as it arrives, once it could not fit in memory. */
async function* jsonChunks(input: Readable, location: string): AsyncGenerator<CsvChunk> {
  const chunks: Buffer[] = [];
  let size = 0;
  const { heap_size_limit: limit, used_heap_size: used } = getHeapStatistics();
  for await (const chunk of input) {
    size += (chunk as Buffer).length;
    if (size * HEAP_BYTES_PER_JSON_BYTE > limit - used) {
      const mb = (bytes: number): string => `${Math.ceil(bytes / 1e6).toLocaleString('en-US')} MB`;
      throw new InputError(`a JSON input is read whole, and more than ${mb(size)} of it would not fit in the ${mb(limit - used)} of memory this process may use`, {
        location,
        hint: 'give the rows as CSV (-t csv), which predict reads in chunks, or allow more memory with NODE_OPTIONS=--max-old-space-size=<MB>',
      });
    }
    chunks.push(chunk as Buffer);
  }
  yield { table: scoringTable(Buffer.concat(chunks), 'application/json'), firstRow: 0 };
}

function openInput(input: string): Readable {
  return input === '-' ? process.stdin : createReadStream(input);
}

async function checkInput(input: string): Promise<void> {
  if (input === '-') return;
  const info = await stat(input).catch(() => undefined);
  if (!info?.isFile()) throw new InputError('no such input file', { location: input, hint: 'give -i a CSV or JSON file, or - for stdin' });
}

async function scoreInto(model: ServableModel, request: PredictRequest, file: PredictionFile): Promise<number> {
  const chunks = request.inputFormat === 'csv' ? csvChunks(openInput(request.input), CHUNK_ROWS) : jsonChunks(openInput(request.input), request.input);
  let rowCount = 0;
  for await (const { table, firstRow } of chunks) {
    const rows = enforceInputs(table, model.inputs, firstRow);
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) await file.append(model.predict(rows.slice(start, start + CHUNK_ROWS)));
    rowCount += rows.length;
  }
  // A header-only input still gets a whole document, with every output empty.
  if (rowCount === 0) await file.append(model.predict([]));
  return rowCount;
}

/** Scores `request.input` with the model at `request.location`; `stdout` receives the predictions when there is no output file. */
export async function predictFile(request: PredictRequest, client: MlflowClient | undefined, stdout: Writable): Promise<PredictSummary> {
  await checkInput(request.input);
  const loaded = await loadServedModel(request.location, client);
  const writePredictions = async (path: string): Promise<number> => {
    const file = await openPredictionFile(path, request.outputFormat, loaded.model.positionNames).catch((error: unknown) => {
      throw new OutputError(`cannot write ${request.output}: ${(error as Error).message}`, { hint: 'give -o a path in a directory you can write to', exitCode: 2, cause: error });
    });
    try {
      const rows = await scoreInto(loaded.model, request, file);
      await file.close();
      return rows;
    } catch (error) {
      await file.discard();
      throw error;
    }
  };
  try {
    if (request.output !== undefined) return { rows: await replaceFile(request.output, writePredictions) };
    const scratch = await mkdtemp(join(tmpdir(), 'mlflow-mct-predict-'));
    try {
      const temp = join(scratch, `predictions.${request.outputFormat}`);
      const rows = await writePredictions(temp);
      await pipeline(createReadStream(temp), stdout, { end: false });
      return { rows };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  } finally {
    await loaded.release();
  }
}
