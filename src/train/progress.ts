/** Progress of a training run, for a caller to show (the library itself prints nothing). */
export interface TrainingProgress {
  stage: 'train' | 'cross-validation';
  /** Trees grown so far in the forest being trained, out of its size. */
  trees: { done: number; total: number };
  /** During cross-validation: the fit in progress (1-based) out of folds x repeats. */
  fold?: { current: number; total: number };
}

export type ProgressListener = (progress: TrainingProgress) => void;

/** One line describing `progress`, e.g. "cross-validation: fold 3/15, 40/100 trees". */
export function describeProgress(progress: TrainingProgress): string {
  const trees = `${progress.trees.done}/${progress.trees.total} trees`;
  return progress.fold
    ? `cross-validation: fold ${progress.fold.current}/${progress.fold.total}, ${trees}`
    : `training: ${trees}`;
}
