/**
 * The request's columns checked against the model's input signature, as pyfunc's schema
 * enforcement does before it calls the model: every input present (extra columns are ignored),
 * numbers converted to float64 the way numpy converts them (JSON numbers, numeric strings,
 * booleans; null is NaN), strings kept as strings. A failure names the column.
 */
import { ScoringInputError } from './errors.js';
import type { ColumnTable } from './request.js';

export interface InputColumn {
  name: string;
  type: 'string' | 'float64';
}

const NUMERIC_TEXT = /^\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|nan|inf|infinity)\s*$/i;

/** A value of a `[-1, 1]` tensor may arrive nested one level (`{"inputs": {"island": [["Biscoe"]]}}`). */
function unwrap(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

function toFloat(value: unknown): number | undefined {
  if (value === null) return NaN;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && NUMERIC_TEXT.test(value)) {
    const text = value.trim().toLowerCase().replace(/^([+-]?)inf(inity)?$/, '$1Infinity');
    return text === 'nan' ? NaN : Number(text);
  }
  return undefined;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
}

/** One row per request row, values in `inputs` order: numbers and strings. Errors count rows from `firstRow`. */
export function enforceInputs(table: ColumnTable, inputs: readonly InputColumn[], firstRow = 0): Array<Array<number | string>> {
  const missing = inputs.filter((input) => !table.has(input.name)).map((input) => `'${input.name}'`);
  if (missing.length > 0) {
    throw new ScoringInputError('INVALID_PARAMETER_VALUE', `Failed to enforce schema of data with the model signature. Error: Model is missing inputs [${missing.join(', ')}].`, {
      hint: `send every input column: ${inputs.map((input) => input.name).join(', ')}`,
    });
  }
  const columns = inputs.map((input) => table.get(input.name)!);
  const rowCount = columns[0]?.length ?? 0;
  inputs.forEach((input, c) => {
    if (columns[c]!.length !== rowCount) {
      throw new ScoringInputError('BAD_REQUEST', `Invalid input. Column ${input.name} has ${columns[c]!.length} values, column ${inputs[0]!.name} has ${rowCount}.`);
    }
  });
  const rows = Array.from({ length: rowCount }, () => new Array<number | string>(inputs.length));
  inputs.forEach((input, c) => {
    const values = columns[c]!;
    for (let r = 0; r < rowCount; r++) {
      const value = unwrap(values[r]);
      if (input.type === 'string') {
        if (typeof value !== 'string') {
          throw new ScoringInputError('INVALID_PARAMETER_VALUE', `Failed to enforce schema of data with the model signature. Error: column ${input.name}, row ${firstRow + r}: expected a string, got ${describe(value)}.`);
        }
        rows[r]![c] = value;
      } else {
        const number = toFloat(value);
        if (number === undefined) {
          throw new ScoringInputError(
            'BAD_REQUEST',
            `Invalid input. Data is not compatible with model signature. Failed to convert column ${input.name} to type 'float64'. Error: could not convert ${describe(value)} to float (row ${firstRow + r}).`,
          );
        }
        rows[r]![c] = number;
      }
    }
  });
  return rows;
}
