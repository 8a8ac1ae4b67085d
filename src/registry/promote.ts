/**
 * Promoting a registered model version: point an alias at it (`champion`, `staging`...), or
 * move it to a stage (Staging, Production, Archived), optionally archiving the versions already
 * there. Stages are deprecated in MLflow since 2.9 in favour of aliases, but still served.
 */
import { InputError, UsageError } from '../errors.js';
import type { MlflowClient } from '../mlflow/client.js';
import { isNotFound } from '../mlflow/errors.js';
import { filterLiteral } from '../mlflow/filters.js';
import type { ModelStage, ModelVersion } from '../mlflow/types.js';

export type Promotion = { kind: 'alias'; alias: string } | { kind: 'stage'; stage: string; archiveExisting: boolean };

const PROMOTION_STAGES = ['Staging', 'Production', 'Archived', 'None'] as const;

/** Said once whenever a command uses a stage. */
export const STAGES_DEPRECATED =
  'model registry stages are deprecated in MLflow (since 2.9) and will be removed in a future major release; prefer aliases (e.g. --alias champion, then load models:/<name>@champion)';

/** The stage as MLflow names it; `--archive-existing` only makes sense towards Staging or Production. */
export function canonicalStage(stage: string, archiveExisting: boolean): ModelStage {
  const canonical = PROMOTION_STAGES.find((known) => known.toLowerCase() === stage.trim().toLowerCase());
  if (!canonical) throw new UsageError(`"${stage}" is not a model stage`, { hint: `use one of ${PROMOTION_STAGES.join(', ')}` });
  if (archiveExisting && canonical !== 'Staging' && canonical !== 'Production') {
    throw new UsageError(`--archive-existing only applies when moving to Staging or Production, not ${canonical}`, { hint: 'drop --archive-existing' });
  }
  return canonical;
}

/** One sentence for a plan or a dry run. */
export function describePromotion(name: string, version: string, promotion: Promotion): string {
  if (promotion.kind === 'alias') return `point alias @${promotion.alias} of ${name} at version ${version}`;
  const stage = canonicalStage(promotion.stage, promotion.archiveExisting);
  return `move ${name} version ${version} to stage ${stage}${promotion.archiveExisting ? ` and archive the versions already in ${stage}` : ''}`;
}

export interface PromotionResult {
  kind: Promotion['kind'];
  name: string;
  version: string;
  alias?: string;
  /** The version the alias pointed at before, if another. */
  previousAliasVersion?: string;
  stage?: ModelStage;
  /** Versions moved to Archived because another version took their stage. */
  archived: string[];
  modelVersion: ModelVersion;
}

/** The version, or an input error naming it when it does not exist. */
async function requireVersion(client: MlflowClient, name: string, version: string): Promise<ModelVersion> {
  if (!/^\d+$/.test(version)) throw new UsageError(`model version "${version}" is not a version number`, { hint: 'pass the number, e.g. 3 (mlflow-mct models versions <name> lists them)' });
  try {
    return await client.getModelVersion(name, version);
  } catch (error) {
    if (isNotFound(error)) {
      throw new InputError(`${name} version ${version} does not exist`, { hint: `list the versions with mlflow-mct models versions ${JSON.stringify(name)}`, cause: error });
    }
    throw error;
  }
}

export async function promoteVersion(client: MlflowClient, name: string, version: string, promotion: Promotion): Promise<PromotionResult> {
  await requireVersion(client, name, version);
  if (promotion.kind === 'alias') {
    // MLflow answers a lookup of a missing alias with INVALID_PARAMETER_VALUE, so read the map.
    const previous = (await client.getRegisteredModel(name)).aliases[promotion.alias];
    await client.setAlias(name, promotion.alias, version);
    return {
      kind: 'alias',
      name,
      version,
      alias: promotion.alias,
      ...(previous !== undefined && previous !== version ? { previousAliasVersion: previous } : {}),
      archived: [],
      modelVersion: await client.getModelVersion(name, version),
    };
  }
  const stage = canonicalStage(promotion.stage, promotion.archiveExisting);
  const holders = promotion.archiveExisting
    ? (await client.searchModelVersions({ filter: `name = ${filterLiteral(name)}` })).filter((candidate) => candidate.currentStage === stage && candidate.version !== version)
    : [];
  const modelVersion = await client.transitionModelVersionStage(name, version, stage, { archiveExistingVersions: promotion.archiveExisting });
  const archived: string[] = [];
  for (const holder of holders) {
    if ((await client.getModelVersion(name, holder.version)).currentStage === 'Archived') archived.push(holder.version);
  }
  return { kind: 'stage', name, version, stage, archived, modelVersion };
}
