import { isMctError, RuntimeFailure } from '../errors.js';
import type { MlflowClient } from './client.js';
import { isOutage } from './errors.js';

/**
 * Marks a run FAILED after the work recording it broke, and rethrows: a typed error as it is,
 * anything else as a RuntimeFailure naming the run. A server that went away is not asked (it
 * would only be retried for nothing); `push` marks such a run FAILED when the server is back.
 */
export async function failRun(client: MlflowClient, runId: string, error: unknown): Promise<never> {
  if (!isOutage(error)) await client.endRun(runId, 'FAILED').catch(() => undefined);
  if (isMctError(error)) throw error;
  throw new RuntimeFailure(`run ${runId} failed: ${error instanceof Error ? error.message : String(error)}`, {
    hint: 'the run is marked FAILED; re-run with --verbose for details',
    cause: error,
  });
}
