/**
 * Pushing the Model Registry: registered models (description, tags), their versions (source
 * mapped to the pushed run or LoggedModel, description, tags, stage) and aliases. A version
 * already on the server is found by its `mlflow-mct.source_version` marker; its description and
 * tags are brought to name the server's run, LoggedModel and version number (see `references.ts`).
 */
import { MlflowAlreadyExistsError } from '../errors.js';
import { filterKey, filterLiteral } from '../filters.js';
import { REGISTERED_VERSION_TAG, SOURCE_VERSION_TAG } from '../tags.js';
import type { ModelVersion, RegisteredModel } from '../types.js';
import type { PushContext } from './context.js';
import { referenceRewriter, rewriteTags, type RemoteCounterparts } from './references.js';

/** The version a local registered model version is found by on a server. */
function versionMarker(version: ModelVersion): string {
  return `${version.modelId ?? version.runId ?? ''}:${version.version}:${version.creationTimestamp ?? ''}`;
}

export async function pushRegisteredModel(context: PushContext, model: RegisteredModel, versions: ModelVersion[]): Promise<void> {
  const { target, state, summary } = context;
  const todo = versions.filter((version) => state.versions[`${model.name}/${version.version}`] === undefined);
  if (todo.length > 0) {
    try {
      await target.registry.createRegisteredModel({ name: model.name, description: model.description, tags: model.tags });
    } catch (error) {
      if (!(error instanceof MlflowAlreadyExistsError)) throw error;
      const remote = await target.registry.getRegisteredModel(model.name);
      for (const [key, value] of Object.entries(model.tags)) {
        if (remote.tags[key] !== value) await target.registry.setRegisteredModelTag(model.name, key, value);
      }
      if (model.description && !remote.description) await target.registry.updateRegisteredModel(model.name, model.description);
    }
  }
  for (const version of todo) await pushVersion(context, version);
  const remoteAliases = todo.length > 0 || Object.keys(model.aliases).length > 0 ? (await target.registry.getRegisteredModel(model.name)).aliases : {};
  for (const [alias, localVersion] of Object.entries(model.aliases)) {
    const remoteVersion = state.versions[`${model.name}/${localVersion}`];
    if (remoteVersion === undefined || remoteAliases[alias] === remoteVersion) continue;
    await target.registry.setRegisteredModelAlias(model.name, alias, remoteVersion);
    summary.aliases += 1;
  }
}

async function remoteSource(context: PushContext, version: ModelVersion): Promise<{ source: string; runId?: string; modelId?: string }> {
  const runId = version.runId === undefined ? undefined : context.state.runs[version.runId]?.remoteRunId;
  const model = version.modelId === undefined ? undefined : context.state.models[version.modelId];
  const modelId = model?.remoteModelId || undefined;
  if (version.source === `models:/${version.modelId}`) {
    if (modelId !== undefined) return { source: `models:/${modelId}`, runId, modelId };
    if (model?.remoteArtifactUri !== undefined) return { source: model.remoteArtifactUri, runId };
  }
  if (version.runId !== undefined && runId !== undefined) {
    const localRun = await context.source.tracking.getRun(version.runId);
    const root = localRun.info.artifactUri.replace(/\/+$/, '');
    if (version.source === root || version.source.startsWith(`${root}/`)) {
      const remoteRun = await context.target.tracking.getRun(runId);
      return { source: `${remoteRun.info.artifactUri.replace(/\/+$/, '')}${version.source.slice(root.length)}`, runId, modelId };
    }
  }
  context.summary.unmappedSources.push(`${version.name}/${version.version}: ${version.source}`);
  return { source: version.source, runId, modelId };
}

/** The server's run and LoggedModel of a local version, as far as this push has sent them. */
async function counterparts(context: PushContext, version: ModelVersion): Promise<RemoteCounterparts> {
  const remoteRunId = version.runId === undefined ? undefined : context.state.runs[version.runId]?.remoteRunId;
  const run = version.runId !== undefined && remoteRunId !== undefined ? { local: version.runId, remote: remoteRunId } : undefined;
  const entry = version.modelId === undefined ? undefined : context.state.models[version.modelId];
  if (version.modelId === undefined || entry === undefined) return { run };
  if (entry.remoteModelId) return { run, model: { local: version.modelId, remoteId: entry.remoteModelId, remoteUri: `models:/${entry.remoteModelId}` } };
  // MLflow 2 has no LoggedModels: the model's files are under its name in the pushed run's artifacts.
  const local = await context.source.tracking.getLoggedModel(version.modelId);
  const modelRunId = local.sourceRunId === undefined ? undefined : context.state.runs[local.sourceRunId]?.remoteRunId;
  return modelRunId === undefined ? { run } : { run, model: { local: version.modelId, remoteId: undefined, remoteUri: `runs:/${modelRunId}/${local.name}` } };
}

async function pushVersion(context: PushContext, version: ModelVersion): Promise<void> {
  const { target } = context;
  const key = `${version.name}/${version.version}`;
  context.report(`model version ${key}`);
  const marker = versionMarker(version);
  const found = await target.registry.searchModelVersions({
    filter: `name = ${filterLiteral(version.name)} AND ${filterKey('tags', SOURCE_VERSION_TAG)} = ${filterLiteral(marker)}`,
    maxResults: 1,
  });
  const remoteIds = await counterparts(context, version);
  const toRemoteIds = referenceRewriter(remoteIds);
  let remote = found.items[0];
  if (remote === undefined) {
    remote = await target.registry.createModelVersion({
      name: version.name,
      ...(await remoteSource(context, version)),
      description: version.description === undefined ? undefined : toRemoteIds(version.description),
      tags: { ...rewriteTags(version.tags, toRemoteIds), [SOURCE_VERSION_TAG]: marker },
      runLink: version.runLink,
    });
    context.summary.modelVersions += 1;
  }
  // The version number is the server's only once the version exists there.
  await bringReferencesUpToDate(context, version, remote, referenceRewriter({ ...remoteIds, version: { name: version.name, local: version.version, remote: remote.version } }));
  if (version.currentStage !== 'None' && remote.currentStage !== version.currentStage) {
    await target.registry.transitionModelVersionStage(version.name, remote.version, version.currentStage, false);
  }
  const remoteVersion = remote.version;
  await context.record((ledger) => {
    ledger.versions[key] = remoteVersion;
  });
  context.itemDone();
}

/** Sets what still names a local reference on the server version (and on its run's registration tag). */
async function bringReferencesUpToDate(context: PushContext, version: ModelVersion, remote: ModelVersion, toRemote: (text: string) => string): Promise<void> {
  const { registry, tracking } = context.target;
  const description = version.description === undefined ? undefined : toRemote(version.description);
  if (description !== undefined && description !== (remote.description ?? '')) await registry.updateModelVersion(remote.name, remote.version, description);
  for (const [key, value] of Object.entries(rewriteTags(version.tags, toRemote))) {
    if (remote.tags[key] !== value) await registry.setModelVersionTag(remote.name, remote.version, key, value);
  }
  const remoteRunId = version.runId === undefined ? undefined : context.state.runs[version.runId]?.remoteRunId;
  if (version.runId === undefined || remoteRunId === undefined) return;
  const registration = (await context.source.tracking.getRun(version.runId)).data.tags[REGISTERED_VERSION_TAG];
  if (registration !== undefined && toRemote(registration) !== registration) await tracking.setTag(remoteRunId, REGISTERED_VERSION_TAG, toRemote(registration));
}
