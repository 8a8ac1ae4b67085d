/**
 * The one error hierarchy of mlflow-mct.
 *
 * Every error a user can meet is an `MctError`: it carries the process exit code the CLI must
 * use and a one-line message that says what is wrong and how to fix it. Anything else that
 * escapes is a bug and is reported as such (exit 1).
 */

import { redactSecrets } from './redact.js';

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

export interface MctErrorOptions {
  /** What the user can do about it; appended to the message after " — ". */
  hint?: string;
  cause?: unknown;
}

export abstract class MctError extends Error {
  abstract readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(message: string, options: MctErrorOptions = {}) {
    // Credentials never reach a message, whoever formats it (see redact.ts).
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint === undefined ? undefined : redactSecrets(options.hint);
  }

  /** The single line the CLI prints. */
  get oneLine(): string {
    const text = this.hint ? `${this.message} — ${this.hint}` : this.message;
    return redactSecrets(text.replace(/\s*\n\s*/g, ' '));
  }
}

/** Bad flags or arguments (exit 2). */
export class UsageError extends MctError {
  readonly exitCode = EXIT_USAGE;
}

/** A bad input file or value: malformed, of the wrong shape, missing (exit 2). */
export class InputError extends MctError {
  readonly exitCode = EXIT_USAGE;
  /** Where in the input the problem is (a file, a field path, a row and column). */
  readonly location: string | undefined;

  constructor(message: string, options: MctErrorOptions & { location?: string } = {}) {
    super(options.location ? `${options.location}: ${message}` : message, options);
    this.location = options.location;
  }
}

/** A Model Card that does not match the schema; carries every path-level problem (exit 2). */
export class CardValidationError extends InputError {
  readonly issues: readonly string[];

  constructor(source: string, issues: readonly string[]) {
    const first = issues[0] ?? 'invalid card';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    super(`${first}${more}`, {
      location: source,
      hint: 'fix the field as described; `mlflow-mct card validate <file>` lists every problem',
    });
    this.issues = issues;
  }
}

/** Why a pickle or joblib file could not be read. */
export type PickleProblem = 'not-pickle' | 'truncated' | 'corrupt' | 'limit' | 'unsupported';

/**
 * A pickle or joblib file that cannot be inspected: not a pickle, cut short, malformed, or past a
 * safety limit (exit 2). It carries what was found before the problem, so that a dangerous import
 * seen in a broken file is still reported.
 */
export class PickleFormatError extends InputError {
  readonly problem: PickleProblem;
  /** Byte offset of the problem in the (decompressed) pickle stream, when known. */
  readonly offset: number | undefined;
  /** `module.name` of every global imported before the problem, in order of appearance. */
  readonly globalsSeen: readonly string[];

  constructor(
    problem: PickleProblem,
    message: string,
    options: MctErrorOptions & { location?: string; offset?: number; globalsSeen?: readonly string[] } = {},
  ) {
    super(message, options);
    this.problem = problem;
    this.offset = options.offset;
    this.globalsSeen = options.globalsSeen ?? [];
  }
}

/** Something failed while doing the work: I/O, a remote service, an environment problem (exit 1). */
export class RuntimeFailure extends MctError {
  readonly exitCode = EXIT_RUNTIME;
}

/** An output could not be written (exit 1 unless the directory itself was a bad argument). */
export class OutputError extends MctError {
  readonly exitCode: number;

  constructor(message: string, options: MctErrorOptions & { exitCode?: number } = {}) {
    super(message, options);
    this.exitCode = options.exitCode ?? EXIT_RUNTIME;
  }
}

export function isMctError(error: unknown): error is MctError {
  return error instanceof MctError;
}
