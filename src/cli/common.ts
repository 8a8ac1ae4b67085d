import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { Reporter, type GlobalOptions } from './output.js';

/**
 * The options every command takes (DEVELOPERS.md: global CLI conventions).
 */
export function withCommonOptions(command: Command): Command {
  return command
    .option('--out-dir <dir>', 'directory for the files the command writes', '.')
    .option('--json', 'print one machine-readable JSON summary on stdout and nothing else there')
    .option('--dry-run', 'send nothing to MLflow or any network and record nothing; still write local files')
    .option('--verbose', 'print debug details, and stack traces on errors');
}

export function globalOptionsOf(options: Record<string, unknown>): GlobalOptions {
  return {
    outDir: resolve(String(options.outDir ?? '.')),
    json: options.json === true,
    dryRun: options.dryRun === true,
    verbose: options.verbose === true,
  };
}

export function reporterFor(options: GlobalOptions): Reporter {
  return new Reporter(options);
}

/** Commander argument parser for repeatable flags: `--owner a --owner b`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A choice flag whose bad value is a one-line usage error naming the flag and the choices. */
export function choiceOption(flags: string, description: string, choices: readonly string[], fallback?: string): Option {
  const option = new Option(flags, description).choices(choices);
  return fallback === undefined ? option : option.default(fallback);
}

export function requireNonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') {
    throw new UsageError(`${flag} is empty`, { hint: `give ${flag} a value or leave it out` });
  }
  return value;
}

/** Text appended to a command's --help. */
export function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}
