/**
 * The body of a `POST /invocations` request as MLflow's scoring server reads it
 * (`mlflow/pyfunc/scoring_server/__init__.py`): JSON with exactly one of `dataframe_split`,
 * `dataframe_records`, `instances` and `inputs`, or CSV with a header. The result is the request's
 * columns by name; checking them against the model's signature is `tensor-schema.ts`'s job.
 */
import Papa from 'papaparse';
import { ScoringInputError } from './errors.js';

/** Column name -> one value per row (a value may still be nested one level, `[["Biscoe"]]`). */
export type ColumnTable = Map<string, unknown[]>;

const FORMAT_KEYS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
/** Keys of MLflow's unified LLM input; a body with one of them is not read as a table. */
const LLM_KEYS = ['messages', 'prompt', 'input'];

const SCORING_PROTOCOL_NOTE =
  'IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, you are likely using an outdated scoring request format.';

function badRequest(message: string): ScoringInputError {
  return new ScoringInputError('BAD_REQUEST', message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Columns from a list of records, in order of first appearance; a record without a column gets null. */
function fromRecords(records: readonly unknown[], what: string): ColumnTable {
  const table: ColumnTable = new Map();
  records.forEach((record, row) => {
    if (!isRecord(record)) throw badRequest(`Invalid input. ${what} record ${row} is not a JSON object.`);
    for (const [column, value] of Object.entries(record)) {
      if (!table.has(column)) table.set(column, new Array<unknown>(records.length).fill(null));
      table.get(column)![row] = value;
    }
  });
  return table;
}

function fromSplit(split: unknown): ColumnTable {
  if (!isRecord(split) || !('data' in split) || Object.keys(split).some((key) => !['data', 'columns', 'index'].includes(key))) {
    throw badRequest(
      `Invalid input. Dataframe split format must have 'data' field and optionally 'columns' and 'index' fields. Got ${JSON.stringify(isRecord(split) ? Object.keys(split) : split)}.`,
    );
  }
  const { data } = split;
  if (!Array.isArray(data)) throw badRequest(`Invalid input. Dataframe split 'data' must be a list of rows.`);
  const rows = data.map((row) => (Array.isArray(row) ? row : [row]));
  // A loop, not Math.max(...): spreading a long request's rows overflows the call stack.
  const width = rows.reduce((widest, row) => Math.max(widest, row.length), 0);
  const columns = split.columns === undefined ? Array.from({ length: width }, (_, i) => String(i)) : split.columns;
  if (!Array.isArray(columns)) throw badRequest(`Invalid input. Dataframe split 'columns' must be a list of column names.`);
  rows.forEach((row, index) => {
    if (row.length !== columns.length) throw badRequest(`Invalid input. ${columns.length} columns passed, row ${index} has ${row.length} values.`);
  });
  return new Map(columns.map((column, c) => [String(column), rows.map((row) => row[c])]));
}

/** `inputs`: a dict of columns, a list of records, or (for a single-input model) a bare tensor. */
function fromInputs(inputs: unknown): ColumnTable {
  if (isRecord(inputs)) return new Map(Object.entries(inputs).map(([column, values]) => [column, Array.isArray(values) ? values : [values]]));
  if (Array.isArray(inputs) && inputs.length > 0 && inputs.every(isRecord)) return fromRecords(inputs, 'inputs');
  return new Map([['0', Array.isArray(inputs) ? inputs : [inputs]]]);
}

export function parseJsonBody(text: string): ColumnTable {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw badRequest(`Invalid input. Ensure that input is a valid JSON formatted string. Error: '${(error as Error).message}'`);
  }
  if (Array.isArray(body)) throw badRequest(`Invalid input. Ensure that input is a valid JSON formatted string. Received a list.`);
  if (!isRecord(body)) throw badRequest(`Invalid input. Ensure that input is a valid JSON formatted string. Received unexpected input type '${typeof body}'.`);
  if (LLM_KEYS.some((key) => key in body)) return new Map();
  const found = FORMAT_KEYS.filter((key) => key in body);
  if (found.length !== 1) {
    throw badRequest(
      `The input must be a JSON dictionary with exactly one of the input fields {${FORMAT_KEYS.map((key) => `'${key}'`).join(', ')}}. Received dictionary with input fields: [${found.map((key) => `'${key}'`).join(', ')}]. ${SCORING_PROTOCOL_NOTE}`,
    );
  }
  const [format] = found as [(typeof FORMAT_KEYS)[number]];
  const value = body[format];
  switch (format) {
    case 'dataframe_split':
      return fromSplit(value);
    case 'dataframe_records':
      if (!Array.isArray(value)) throw badRequest(`Invalid input. Dataframe records format must be a list of records. Got ${isRecord(value) ? 'dictionary' : typeof value}.`);
      return fromRecords(value, 'dataframe_records');
    case 'instances':
      if (Array.isArray(value) && value.length > 0 && value.every(isRecord)) return fromRecords(value, 'instances');
      return fromInputs(value);
    case 'inputs':
      return fromInputs(value);
  }
}

/** A CSV body with a header row; every value stays text until the signature says what it is. */
export function parseCsvBody(text: string): ColumnTable {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true });
  const [header, ...rows] = parsed.data;
  if (parsed.errors.some((error) => error.type === 'Quotes') || !header) {
    throw badRequest(`Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas DataFrame produced using the \`pandas.DataFrame.to_csv()\` method.`);
  }
  return csvColumns(header, rows);
}

/** The fields `pandas.read_csv` reads as missing (its default `na_values`). */
const PANDAS_NA = new Set(['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);

/**
 * Columns from CSV rows under `header`; a row of the wrong width is an error naming its line. A
 * missing field (`NA`, empty...) is null, as pandas reads it.
 */
export function csvColumns(header: readonly string[], rows: readonly (readonly string[])[], firstLine = 2): ColumnTable {
  rows.forEach((row, index) => {
    if (row.length !== header.length) {
      throw badRequest(`Failed to parse input as a Pandas DataFrame: line ${firstLine + index} has ${row.length} fields, the header has ${header.length}.`);
    }
  });
  return new Map(header.map((column, c) => [column.trim(), rows.map((row) => (PANDAS_NA.has(row[c]!) ? null : row[c]))]));
}
