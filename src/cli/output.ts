import { jsonSafe, printableName as escapeControls } from '../pickle/text.js';
import { redactSecrets } from '../redact.js';
import { jsonDocument } from './json-contract.js';

/** Every line printed: credentials hidden, terminal controls escaped. */
function printableName(text: string): string {
  return escapeControls(redactSecrets(text));
}

/**
 * Where a command's words go. stdout carries the result (human lines, or exactly one JSON
 * document with --json); stderr carries progress, warnings and errors, so scripts can pipe
 * stdout safely. Every line is printed through `printableName`, so text that came from a file
 * (an import name, a path, a server's message) cannot drive the terminal, and JSON escapes the
 * same characters as `\\uNNNN`.
 */

export interface GlobalOptions {
  outDir: string;
  json: boolean;
  dryRun: boolean;
  verbose: boolean;
  quiet: boolean;
}

/**
 * Colour on stderr: never with a non-empty NO_COLOR (https://no-color.org); FORCE_COLOR forces it,
 * except FORCE_COLOR=0 or false, which turns it off; otherwise only on a terminal.
 */
function colourAllowed(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

function paint(stream: NodeJS.WriteStream, code: number, text: string): string {
  return colourAllowed(stream) ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export function warningLine(message: string): string {
  return `${paint(process.stderr, 33, 'warning:')} ${printableName(message)}\n`;
}

export class Reporter {
  private readonly started = Date.now();

  constructor(private readonly options: Pick<GlobalOptions, 'json' | 'verbose' | 'quiet'> & { command: string }) {}

  /** A line for people, on stderr so that stdout stays machine-readable; silent with --json or --quiet. */
  progress(message: string): void {
    if (!this.options.json && !this.options.quiet) process.stderr.write(`${printableName(message)}\n`);
  }

  /** Warnings always reach stderr, even with --json. */
  warn(message: string): void {
    process.stderr.write(warningLine(message));
  }

  debug(message: string): void {
    if (this.options.verbose) process.stderr.write(`${paint(process.stderr, 2, 'debug:')} ${printableName(message)}\n`);
  }

  /** The command's outcome: the JSON document with --json (see json-contract.ts), otherwise the human lines. */
  result(summary: Record<string, unknown>, humanLines: readonly string[]): void {
    if (this.options.json) {
      process.stdout.write(`${jsonSafe(redactSecrets(JSON.stringify(jsonDocument(this.options.command, summary, Date.now() - this.started), null, 2)))}\n`);
    } else {
      for (const line of humanLines) process.stdout.write(`${printableName(line)}\n`);
    }
  }
}

/** The one error prefix, for our errors and commander's alike. */
export function errorLine(message: string): string {
  return `${paint(process.stderr, 31, 'mlflow-mct: error:')} ${printableName(message)}\n`;
}

export function printError(message: string): void {
  process.stderr.write(errorLine(message));
}
