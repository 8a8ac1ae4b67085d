import { describeProgress, type TrainingProgress } from '../train/index.js';
import type { Reporter } from './output.js';

/**
 * Training progress on stderr: one updating line on a terminal; otherwise (logs, CI) a line when
 * the model is trained and about every fifth of cross-validation. Silent with --json.
 */
export function trainingProgress(reporter: Reporter, quiet: boolean): ((progress: TrainingProgress) => void) | undefined {
  if (quiet) return undefined;
  if (process.stderr.isTTY) {
    return (progress) => {
      const finished = progress.trees.done === progress.trees.total && (!progress.fold || progress.fold.current === progress.fold.total);
      process.stderr.write(`\r\u001b[2K${describeProgress(progress)}${finished ? '\n' : ''}`);
    };
  }
  return (progress) => {
    if (progress.trees.done !== progress.trees.total) return;
    if (!progress.fold) {
      reporter.progress(`trained ${progress.trees.total} trees`);
      return;
    }
    const step = Math.max(1, Math.ceil(progress.fold.total / 5));
    if (progress.fold.current % step === 0 || progress.fold.current === progress.fold.total) {
      reporter.progress(`cross-validation: ${progress.fold.current}/${progress.fold.total} folds done`);
    }
  };
}
