/**
 * Loads a Palmer Penguins CSV and turns it into the seed recipe's design matrix:
 * `pd.read_csv(csv).dropna()` then `pd.get_dummies(df.drop('species', axis=1), drop_first=True)`.
 *
 * The categories are fixed to the canonical data's (pandas would derive them from whatever the
 * file holds, so a file without Biscoe penguins would silently change the features); a value
 * outside them is an input error. Every problem names the row and column so it can be fixed.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { getHeapStatistics } from 'node:v8';
import { join } from 'node:path';
import Papa from 'papaparse';
import { InputError } from '../errors.js';
import { dataDir } from '../paths.js';

/** The shipped copy of the canonical palmerpenguins `penguins.csv`. */
export const DEFAULT_DATA_PATH = join(dataDir, 'penguins.csv');

export const TARGET_COLUMN = 'species';
export const NUMERIC_COLUMNS = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'year'] as const;
/** Categorical features and their categories in sorted order; `drop_first` drops the first. */
export const CATEGORICAL_COLUMNS = {
  island: ['Biscoe', 'Dream', 'Torgersen'],
  sex: ['female', 'male'],
} as const satisfies Record<string, readonly string[]>;
export const SPECIES = ['Adelie', 'Chinstrap', 'Gentoo'] as const;
export const REQUIRED_COLUMNS = [
  TARGET_COLUMN,
  'island',
  'bill_length_mm',
  'bill_depth_mm',
  'flipper_length_mm',
  'body_mass_g',
  'sex',
  'year',
] as const;

type CategoricalColumn = keyof typeof CATEGORICAL_COLUMNS;
const CATEGORICAL_NAMES = Object.keys(CATEGORICAL_COLUMNS) as CategoricalColumn[];

/** The 8 features in `get_dummies(drop_first=True)` order: numeric columns, then one dummy per kept category. */
export const FEATURE_NAMES: readonly string[] = [
  ...NUMERIC_COLUMNS,
  ...CATEGORICAL_NAMES.flatMap((column) => CATEGORICAL_COLUMNS[column].slice(1).map((category) => `${column}_${category}`)),
];

/** The strings pandas' `read_csv` reads as missing by default (`na_values`), so `dropna` drops the same rows. */
const MISSING_MARKERS = new Set([
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
  '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
]);

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Where the data came from and what was kept: the part of a dataset a report or a run records. */
export interface DatasetDescription {
  /** The file the data came from (or the label given to `parsePenguinsCsv`). */
  source: string;
  /** sha256 of the file's bytes, hex. */
  sha256: string;
  /** Data rows in the file (header and blank lines not counted). */
  rowsTotal: number;
  /** Rows kept after dropping those with a missing value. */
  rowsUsed: number;
  rowsDropped: number;
  /** 0-based data-row indices of the dropped rows, in file order. */
  droppedRowIndices: number[];
  /** The model features, in column order. */
  featureNames: string[];
  /** Species present after dropping, sorted (scikit-learn's `classes_` order). */
  classes: string[];
  /** Columns in the file that the model does not use. */
  ignoredColumns: string[];
}

export interface PenguinDataset extends DatasetDescription {
  /** Feature matrix of the kept rows, in file order; columns follow `featureNames`. */
  X: number[][];
  /** Species of each kept row. */
  y: string[];
  /** For each kept row, its 0-based data-row index in the file (pandas' index after `dropna`). */
  rowIndices: number[];
}

/**
 * Memory a CSV byte costs once parsed into rows and features (measured: 45 MB of penguin rows
 * took 383 MB of heap), with room for the binned copy the trees train on.
 */
const HEAP_BYTES_PER_FILE_BYTE = 10;

/** Reads and validates a penguins CSV; defaults to the shipped canonical file. */
export async function loadPenguins(path: string = DEFAULT_DATA_PATH): Promise<PenguinDataset> {
  let bytes: Buffer;
  try {
    checkFitsInMemory((await stat(path)).size, path);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new InputError(`cannot read the data file: ${reason}`, {
      location: path,
      hint: 'give --data the path of a CSV with the penguins columns',
      cause: error,
    });
  }
  return parsePenguinsCsv(bytes, path);
}

/** Validates CSV content already in memory; `source` names it in errors and in the summary. */
/** Refuses, before reading it, a file whose rows would not fit in the memory this process may use. */
function checkFitsInMemory(size: number, path: string): void {
  const { heap_size_limit: limit, used_heap_size: used } = getHeapStatistics();
  const needed = size * HEAP_BYTES_PER_FILE_BYTE;
  if (needed <= limit - used) return;
  const mb = (bytes: number): string => `${Math.ceil(bytes / 1e6).toLocaleString('en-US')} MB`;
  throw new InputError(`the data file is ${mb(size)}; reading it needs about ${mb(needed)} of memory, more than the ${mb(limit - used)} this process may use`, {
    location: path,
    hint: 'train on a sample of the rows, or allow more memory with NODE_OPTIONS=--max-old-space-size=<MB>',
  });
}

export function parsePenguinsCsv(content: Buffer | string, source: string): PenguinDataset {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') {
    throw new InputError('the file is empty', { location: source, hint: 'the first line must be the header: ' + REQUIRED_COLUMNS.join(',') });
  }

  const X: number[][] = [];
  const y: string[] = [];
  const rowIndices: number[] = [];
  const droppedRowIndices: number[] = [];
  let header: CsvRecord | undefined;
  let columnIndex: Map<string, number> | undefined;
  let rowIndex = -1;
  // Each record is turned into features as it is parsed: holding every record's fields first cost
  // several times the file's size in memory.
  readRecords(text, source, (record) => {
    if (!header || !columnIndex) {
      header = record;
      columnIndex = indexHeader(record.fields, source, record.line);
      return;
    }
    rowIndex++;
    const at = (column: string): string => `${source}, row ${rowIndex + 1} (line ${record.line}), column "${column}"`;
    if (record.fields.length !== header.fields.length) {
      const problem =
        record.fields.length < header.fields.length
          ? `has ${record.fields.length} fields but the header has ${header.fields.length}`
          : `has ${record.fields.length} fields but the header has only ${header.fields.length}`;
      const column = header.fields[Math.min(record.fields.length, header.fields.length - 1)]!.trim();
      throw new InputError(`the row ${problem}`, { location: at(column), hint: 'every row needs one value per header column (NA for a missing value)' });
    }
    const indexes = columnIndex;
    const cell = (column: string): string | undefined => {
      const value = record.fields[indexes.get(column)!]!.trim();
      return MISSING_MARKERS.has(value) ? undefined : value;
    };

    let missing = false;
    const species = cell(TARGET_COLUMN);
    if (species === undefined) missing = true;
    else checkCategory(species, SPECIES, at(TARGET_COLUMN));

    const features: number[] = [];
    for (const column of NUMERIC_COLUMNS) {
      const value = cell(column);
      if (value === undefined) {
        missing = true;
        continue;
      }
      if (!DECIMAL.test(value)) {
        throw new InputError(`"${value}" is not a number`, { location: at(column), hint: 'use a decimal number, or NA for a missing value' });
      }
      const number = Number(value);
      if (!Number.isFinite(number)) throw new InputError(`"${value}" is not a finite number`, { location: at(column), hint: 'use a decimal number within range, or NA for a missing value' });
      features.push(number);
    }
    for (const column of CATEGORICAL_NAMES) {
      const value = cell(column);
      if (value === undefined) {
        missing = true;
        continue;
      }
      const categories = CATEGORICAL_COLUMNS[column];
      checkCategory(value, categories, at(column));
      for (const category of categories.slice(1)) features.push(value === category ? 1 : 0);
    }

    if (missing) {
      droppedRowIndices.push(rowIndex);
    } else {
      X.push(features);
      y.push(species!);
      rowIndices.push(rowIndex);
    }
  });
  if (!header) throw new InputError('the file has no header row', { location: source });
  const rowsTotal = rowIndex + 1;
  if (rowsTotal === 0) {
    throw new InputError('the file has a header but no data rows', { location: source, hint: 'add at least one penguin per species' });
  }

  if (X.length === 0) {
    throw new InputError(`all ${rowsTotal} rows have a missing value, so none is left to train on`, {
      location: source,
      hint: 'fill in the NA values or use a file with complete rows',
    });
  }
  const classes = [...new Set(y)].sort();
  if (classes.length < 2) {
    throw new InputError(`only one species (${classes[0]}) is left after dropping rows with missing values; a classifier needs at least two`, {
      location: `${source}, column "${TARGET_COLUMN}"`,
      hint: 'use a file with penguins of at least two species',
    });
  }

  const required = new Set<string>(REQUIRED_COLUMNS);
  return {
    source,
    sha256,
    rowsTotal,
    rowsUsed: X.length,
    rowsDropped: droppedRowIndices.length,
    droppedRowIndices,
    featureNames: [...FEATURE_NAMES],
    X,
    y,
    rowIndices,
    classes,
    ignoredColumns: (header as CsvRecord).fields.map((name) => name.trim()).filter((name) => !required.has(name)),
  };
}

/** Counts of each class among `labels`, keyed in `classes` order. */
export function countClasses(labels: readonly string[], classes: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(classes.map((name) => [name, 0]));
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

interface CsvRecord {
  fields: string[];
  /** 1-based line of the file where the record starts. */
  line: number;
}

/** Parses with papaparse, keeping each record's line number and skipping blank lines as pandas does. */
function readRecords(text: string, source: string, onRecord: (record: CsvRecord) => void): void {
  let start = 0;
  let line = 1;
  let counted = 0;
  Papa.parse<string[]>(text, {
    skipEmptyLines: false,
    step: (result) => {
      const newline = result.meta.linebreak === '\r' ? '\r' : '\n';
      for (let position = text.indexOf(newline, counted); position !== -1 && position < start; position = text.indexOf(newline, position + 1)) {
        line++;
        counted = position + 1;
      }
      // An unclosed quote swallows the rest of the file into one record: report it before its fields.
      if (result.errors.some((error) => error.type === 'Quotes')) {
        throw new InputError('malformed CSV: a quoted field is never closed', {
          location: `${source}, line ${line}`,
          hint: 'close the quoted field or remove the stray quote',
        });
      }
      const fields = result.data;
      if (!(fields.length === 1 && fields[0]!.trim() === '')) onRecord({ fields, line });
      start = result.meta.cursor;
    },
  });
}

function indexHeader(header: string[], source: string, line: number): Map<string, number> {
  const columns = new Map<string, number>();
  header.forEach((raw, index) => {
    const name = raw.trim();
    if (columns.has(name)) {
      throw new InputError(`column "${name}" appears twice in the header`, { location: `${source}, line ${line} (header)` });
    }
    columns.set(name, index);
  });
  for (const name of REQUIRED_COLUMNS) {
    if (!columns.has(name)) {
      throw new InputError(`the header has no column "${name}"`, {
        location: `${source}, line ${line} (header), column "${name}"`,
        hint: `the header must name the columns ${REQUIRED_COLUMNS.join(', ')}`,
      });
    }
  }
  return columns;
}

function checkCategory(value: string, categories: readonly string[], location: string): void {
  if (!categories.includes(value)) {
    throw new InputError(`unknown value "${value}"`, { location, hint: `expected one of ${categories.join(', ')} (or NA)` });
  }
}
