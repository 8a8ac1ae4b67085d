import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MlflowClient } from '../mlflow/client.js';
import { isNotFound } from '../mlflow/errors.js';
import { checkCard } from './parse.js';
import type { ModelCard } from './schema.js';

/** Where the commands of this toolkit log a card in a run. */
const CARD_DIR = 'model_card';

/**
 * The card a run logged (train-penguins, register-generative, --attach), or undefined when it
 * logged none or it cannot be read: a card built from MLflow then starts from what the command
 * that made the run wrote (uses, limitations, charts, rounded metrics, slices) instead of
 * from nothing. A run can hold several cards; `preferredHtml` (the artifact path of the HTML a
 * version's `mlflow-mct.card` tag names) picks the JSON beside it.
 */
export async function readLoggedCard(client: MlflowClient, runArtifactUri: string, preferredHtml?: string): Promise<ModelCard | undefined> {
  const staging = await mkdtemp(join(tmpdir(), 'mlflow-mct-card-'));
  try {
    const entries = (await client.store.artifacts.listArtifacts(runArtifactUri, CARD_DIR)).filter(
      (entry) => !entry.isDir && entry.path.endsWith('.json') && !entry.path.endsWith('.mlflow-mct.json'),
    );
    const preferred = preferredHtml?.replace(/\.html$/, '.json');
    const json = entries.find((entry) => entry.path === preferred) ?? entries[0];
    if (!json) return undefined;
    const file = join(staging, 'card.json');
    await client.store.artifacts.downloadArtifact(runArtifactUri, json.path, file);
    let document: unknown;
    try {
      document = JSON.parse(await readFile(file, 'utf8')) as unknown;
    } catch {
      return undefined; // not a card this toolkit wrote
    }
    const check = checkCard(document);
    return check.ok ? check.card : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
