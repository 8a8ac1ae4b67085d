/**
 * What a train-penguins run needs before the rest of the command loads: its card's default name,
 * and the training and git commit, started before that load. A cold run spends about as long loading the card, chart and MLflow modules as
 * fitting the final forest, and the cross-validation worker starts with the training, so starting
 * first lets the second core cross-validate while this thread loads. This module stays light (the
 * trainer only) for that reason.
 */
import { execFile } from 'node:child_process';
import { trainAndEvaluate, type ProgressListener, type TrainingResult, type TrainingSchedule, type TrainOptions } from '../train/index.js';

export const PENGUIN_CARD_HTML = 'penguin_model_card.html';

export interface PenguinTraining {
  /** When the run started (the MLflow run's start time). */
  startTime: number;
  result: Promise<TrainingResult>;
  /** The commit of the git checkout the command runs in, for the source tags. */
  commit: Promise<string | undefined>;
}

export function startPenguinTraining(options: TrainOptions, onProgress?: ProgressListener, schedule?: TrainingSchedule): PenguinTraining {
  const startTime = Date.now();
  const commit = gitCommit(process.cwd());
  const result = trainAndEvaluate(options, onProgress, schedule);
  // Awaited once the card modules are loaded; a failure before then is not unhandled.
  result.catch(() => undefined);
  return { startTime, result, commit };
}

/** The commit of the git checkout `cwd` is in, if any; asked without blocking. */
function gitCommit(cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }, (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined));
  });
}
