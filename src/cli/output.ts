/**
 * Where a command's words go. stdout carries the result (human lines, or exactly one JSON
 * document with --json); stderr carries progress, warnings and errors, so scripts can pipe
 * stdout safely.
 */

export interface GlobalOptions {
  outDir: string;
  json: boolean;
  dryRun: boolean;
  verbose: boolean;
}

function colourAllowed(stream: NodeJS.WriteStream): boolean {
  // https://no-color.org: any non-empty NO_COLOR disables colour.
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR) return true;
  return Boolean(stream.isTTY);
}

function paint(stream: NodeJS.WriteStream, code: number, text: string): string {
  return colourAllowed(stream) ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export class Reporter {
  constructor(private readonly options: Pick<GlobalOptions, 'json' | 'verbose'>) {}

  /** A line for people, on stderr so that stdout stays machine-readable; silent with --json. */
  progress(message: string): void {
    if (!this.options.json) process.stderr.write(`${message}\n`);
  }

  /** Warnings always reach stderr, even with --json. */
  warn(message: string): void {
    process.stderr.write(`${paint(process.stderr, 33, 'warning:')} ${message}\n`);
  }

  debug(message: string): void {
    if (this.options.verbose) process.stderr.write(`${paint(process.stderr, 2, 'debug:')} ${message}\n`);
  }

  /**
   * The command's outcome: the JSON summary with --json, otherwise the human lines.
   */
  result(summary: unknown, humanLines: readonly string[]): void {
    if (this.options.json) {
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      for (const line of humanLines) process.stdout.write(`${line}\n`);
    }
  }
}

export function printError(message: string): void {
  process.stderr.write(`${paint(process.stderr, 31, 'mlflow-mct: error:')} ${message}\n`);
}
