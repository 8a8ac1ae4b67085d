import { readFileSync } from 'node:fs';

/** What NumPy 1.24 / scikit-learn 1.2 produce; regenerate with tests/fixtures/train/generate.py. */
export interface SklearnParity {
  streams: Record<string, { uint32: number[]; random_sample: number[]; permutation_10: number[]; randint_0_7_x20: number[] }>;
  splits: { seed: number; testSize: number; stratify: boolean; train: number[]; test: number[] }[];
  repeatedStratifiedKFold: { folds: number; repeats: number; seed: number; test: number[][] }[];
  forest: { seed: number; nSamples: number; treeSeeds: number[]; bootstraps: number[][] };
  reports: {
    truth: string[];
    predicted: string[];
    labels: string[];
    accuracy: number;
    precision: number[];
    recall: number[];
    f1: number[];
    support: number[];
    macro: number[];
    weighted: number[];
    confusion: number[][];
  }[];
}

export const parity: SklearnParity = JSON.parse(
  readFileSync(new URL('../fixtures/train/sklearn-parity.json', import.meta.url), 'utf8'),
) as SklearnParity;

/** The seed recipe's 67 test rows (0-based data-row indices of the canonical CSV, in split order). */
export const SEED_TEST_ROWS = [
  30, 320, 79, 202, 63, 307, 292, 187, 219, 204, 81, 14, 330, 132, 276, 138, 120, 152, 82, 286, 115, 143, 326, 206, 6,
  116, 272, 334, 169, 333, 174, 312, 69, 90, 289, 299, 189, 262, 52, 124, 38, 48, 179, 188, 119, 78, 285, 51, 107, 323,
  100, 237, 228, 21, 114, 257, 12, 61, 153, 186, 308, 327, 291, 4, 83, 322, 66,
];
