/** Checks on chart input: every problem is an InputError that names the offending entry. */

import { InputError } from '../errors.js';

export function requireNonEmpty<T>(values: readonly T[] | undefined, what: string, location: string): readonly T[] {
  if (!Array.isArray(values) || values.length === 0) {
    throw new InputError(`${what} is empty`, { location, hint: `pass at least one entry to draw the chart` });
  }
  return values;
}

export function requireAtMost(count: number, limit: number, what: string, location: string, hint: string): void {
  if (count > limit) {
    throw new InputError(`${count} ${what} are too many to draw legibly (at most ${limit})`, { location, hint });
  }
}

export function requireLabel(label: unknown, location: string): string {
  if (typeof label !== 'string') {
    throw new InputError(`label must be a string, got ${describe(label)}`, { location });
  }
  return label;
}

export function requireUniqueLabels(labels: readonly string[], location: string): void {
  const seen = new Set<string>();
  for (const label of labels) {
    if (seen.has(label)) {
      throw new InputError(`label "${label}" appears more than once`, {
        location,
        hint: 'each category needs its own name, or its bars and cells cannot be told apart',
      });
    }
    seen.add(label);
  }
}

/** A finite number ≥ 0 (counts, scores, importances): charts here start their axes at 0. */
export function requireNonNegative(value: unknown, what: string, location: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InputError(`${what} is ${describe(value)}, expected a finite number`, {
      location,
      hint: 'check the metric that produced it; NaN usually means a division by zero',
    });
  }
  if (value < 0) {
    throw new InputError(`${what} is ${value}, expected a number ≥ 0`, { location });
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string "${value}"` : typeof value;
}
