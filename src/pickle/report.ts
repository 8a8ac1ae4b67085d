import type { Verdict } from './globals.js';
import type { InspectionLimits } from './limits.js';

/** How a joblib file is compressed (`joblib.ts` detects it). */
export type Compression = 'none' | 'zlib' | 'gzip' | 'bz2' | 'xz' | 'lzma' | 'lz4';

/** What a static inspection of a pickle or joblib file found. Plain JSON data throughout. */
export interface InspectionReport {
  file: FileSummary;
  format: FormatSummary;
  /** The worst verdict of any import; `not-inspected` when the content could not be read. */
  verdict: Verdict | 'not-inspected';
  /** The model the file holds, when its top-level object (or one inside a top-level dict or list) is one. */
  model: EstimatorSummary | null;
  /** Where the model sits when the file holds a container: e.g. `['model']`. */
  modelPath: string | null;
  /** Every distinct import, in order of first appearance. */
  globals: GlobalFinding[];
  opcodes: { total: number; counts: Record<string, number> };
  /** Things worth knowing that are not findings: trailing data, side files, compression not read. */
  notes: string[];
  limits: InspectionLimits;
}

export interface FileSummary {
  name: string;
  /** The path as given, when inspected from a file. */
  path: string | null;
  sizeBytes: number;
  sha256: string;
}

export interface FormatSummary {
  /** pickle or joblib stream, PyTorch checkpoint (zip with data.pkl), plain zip, NumPy .npy or .npz. */
  container: 'pickle' | 'joblib' | 'pytorch' | 'zip' | 'npy' | 'npz';
  /** The detected format, for people: e.g. `PyTorch checkpoint (torch.save zip format)`. */
  detected: string;
  compression: Compression;
  /** False when the compression is not one this inspector can read (bz2, xz, lzma, lz4). */
  inspected: boolean;
  /** Protocol of the first pickle stream, or null when not inspected. */
  protocol: number | null;
  /** Size of the pickle data after decompression (equals the file size when uncompressed). */
  pickleBytes: number | null;
  /** Pickle streams read (a file may concatenate several; loaders read the first). */
  streams: number;
  /** Bytes after the last stream that are not a pickle. */
  trailingBytes: number;
  /** The archive members that were inspected (zip, PyTorch, .npz). */
  members: MemberSummary[];
}

export interface MemberSummary {
  name: string;
  container: FormatSummary['container'];
  sizeBytes: number;
  protocol: number | null;
}

export interface GlobalFinding {
  module: string;
  name: string;
  verdict: Verdict;
  reason: string;
  /** False when the import is computed at load time and could not be named statically. */
  resolved: boolean;
  /** How many times the file imports it. */
  count: number;
  /** Byte offsets (in the pickle data) of the first imports. */
  offsets: number[];
  /** The first arguments it would be called with, as short text (e.g. the command of os.system). */
  calledWith: string[];
  /** The archive member whose pickle makes the import (zip, PyTorch, .npz). */
  member?: string;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type Scalar = string | number | boolean | null;

export interface TreeSummary {
  depth: number;
  nodeCount: number;
}

export interface EnsembleSummary {
  /** Fitted sub-estimators (for gradient boosting: stages × trees per stage). */
  estimatorCount: number;
  estimatorClass: string | null;
  /** Depth and node count of each tree, in order (at most the listing limit). */
  trees: TreeSummary[];
}

export interface PipelineStep {
  name: string;
  /** `passthrough`, `drop` or null steps have no estimator. */
  estimator: EstimatorSummary | null;
  placeholder: string | null;
}

export interface EstimatorSummary {
  /** `module.Name`, e.g. `sklearn.ensemble._forest.RandomForestClassifier`. */
  class: string;
  className: string;
  library: string;
  /** From `_sklearn_version` (or another library's `_<name>_version`). */
  libraryVersion: string | null;
  /** Constructor parameters: state keys that neither start nor end with `_`. */
  hyperparameters: Record<string, JsonValue>;
  /** Fitted attributes (keys ending with `_`) not listed elsewhere: scalars, or arrays as shape and dtype. */
  fitted: Record<string, JsonValue>;
  classes: Scalar[] | null;
  nFeaturesIn: number | null;
  featureNames: string[] | null;
  ensemble: EnsembleSummary | null;
  tree: TreeSummary | null;
  steps: PipelineStep[] | null;
}
