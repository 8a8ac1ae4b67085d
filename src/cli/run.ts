import { CommanderError } from 'commander';
import { EXIT_RUNTIME, EXIT_USAGE, isMctError } from '../errors.js';
import { printError } from './output.js';
import { buildProgram, refuseVersionValue } from './program.js';

/** Runs the CLI and returns the exit code; errors never escape as stack traces unless --verbose. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  try {
    refuseVersionValue(argv);
    await (await buildProgram(argv)).parseAsync([...argv], { from: 'user' });
    // A command whose work succeeded can still ask for a non-zero exit (a run recorded locally
    // because the server was down, inspect findings) by setting process.exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end through here too, with exit code 0; commander has printed them.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (isMctError(error)) {
      printError(error.oneLine);
      if (verbose && error.stack) process.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    printError(`unexpected failure: ${message} — re-run with --verbose and report it if it persists`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return EXIT_RUNTIME;
  }
}

/**
 * A reader that stops early (`mlflow-mct models show ... | head -1`, `train-penguins 2>&1 | head -3`)
 * closes the pipe: that is the reader's choice, not a failure, so the command ends quietly
 * instead of with an EPIPE stack. Stdout carries the result the reader asked for, so the command
 * ends there; stderr carries progress and warnings, so the work goes on unseen, since stopping
 * part-way would leave a run half-recorded.
 */
function endQuietlyWhenTheReaderGoes(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

/** Runs the CLI as the `mlflow-mct` process: the exit code goes to `process.exitCode`. */
export async function startCli(argv: readonly string[]): Promise<void> {
  endQuietlyWhenTheReaderGoes();
  process.exitCode = await runCli(argv);
}
