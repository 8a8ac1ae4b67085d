import { InvalidArgumentError } from 'commander';
import { UsageError } from '../errors.js';
import { isModelUri } from '../mlflow/uris.js';
import type { FlagSpec } from './flags.js';
import type { OpenedTracking } from './mlflow-options.js';
import type { Reporter } from './output.js';
import { openExisting, type MlflowUriValues } from './registry-options.js';

/** The model `serve` and `predict` load. */
export const modelUri: FlagSpec = {
  flags: '-m, --model-uri <uri>',
  description: 'the model (required): models:/<name>@<alias>, models:/<name>/<version>, models:/<m-id>, runs:/<run_id>/model, or a local model directory',
};

export interface ModelUriValues extends MlflowUriValues {
  modelUri?: string;
}

export function requiredModelUri(flags: ModelUriValues): string {
  if (!flags.modelUri) throw new UsageError('-m/--model-uri is required', { hint: 'e.g. -m models:/penguins-rf@champion' });
  return flags.modelUri;
}

/** MLflow, opened only when the model lives there (a local directory needs no tracking store). */
export async function trackingFor(flags: ModelUriValues, reporter: Reporter): Promise<OpenedTracking | undefined> {
  return isModelUri(requiredModelUri(flags)) ? openExisting(flags, reporter) : undefined;
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i;
const UNIT = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as const;

/** `100mb`: bytes from a number with an optional b/kb/mb/gb unit. */
export function byteSize(value: string): number {
  const match = SIZE.exec(value.trim());
  const bytes = match ? Math.floor(Number(match[1]) * UNIT[(match[2]?.toLowerCase() ?? 'b') as keyof typeof UNIT]) : NaN;
  if (!Number.isFinite(bytes) || bytes < 1) throw new InvalidArgumentError('expected a number of bytes, or e.g. 100mb.');
  return bytes;
}
