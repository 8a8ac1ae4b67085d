/**
 * Pushing a LoggedModel: on MLflow 3 as a LoggedModel with its files, params, tags and status;
 * on MLflow 2, which has none, as files under `<model name>/` in its run's artifacts plus an
 * entry of the run's `mlflow.log-model.history` tag. The MLmodel file names its model and run,
 * so the copy sent names the server's.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { filterKey, filterLiteral } from '../filters.js';
import { LOG_MODEL_HISTORY_TAG, SOURCE_MODEL_TAG } from '../tags.js';
import type { LoggedModel } from '../types.js';
import type { PushContext } from './context.js';

async function findRemoteModel(context: PushContext, remoteExperimentId: string, localModelId: string): Promise<string | undefined> {
  const page = await context.target.tracking.searchLoggedModels({
    experimentIds: [remoteExperimentId],
    filter: `${filterKey('tags', SOURCE_MODEL_TAG)} = ${filterLiteral(localModelId)}`,
    maxResults: 1,
  });
  return page.items[0]?.modelId;
}

export async function pushModel(context: PushContext, model: LoggedModel, remoteExperimentId: string, remoteRunId: string | undefined): Promise<void> {
  const { target, summary } = context;
  context.report(`logged model ${model.name} (${model.modelId})`);
  if (!context.loggedModels) {
    await pushModelAsRunArtifacts(context, model, remoteRunId);
    context.itemDone();
    return;
  }
  let remoteModelId = context.state.models[model.modelId]?.remoteModelId;
  if (remoteModelId === undefined) {
    remoteModelId =
      (await findRemoteModel(context, remoteExperimentId, model.modelId)) ??
      (
        await target.tracking.createLoggedModel({
          experimentId: remoteExperimentId,
          name: model.name,
          modelType: model.modelType,
          sourceRunId: remoteRunId,
          params: model.params,
          tags: { ...model.tags, [SOURCE_MODEL_TAG]: model.modelId },
        })
      ).modelId;
    const created = remoteModelId;
    await context.record((ledger) => {
      ledger.models[model.modelId] = { remoteModelId: created, done: false };
    });
  }
  const remote = await target.tracking.getLoggedModel(remoteModelId);
  for (const path of await context.listFiles(model.artifactUri, '')) {
    const localFile = context.source.artifacts.artifactPath(model.artifactUri, path);
    if (path === 'MLmodel') await uploadMlmodel(context, localFile, remote, remoteRunId);
    else await target.artifacts.uploadArtifact(remote.artifactUri, path, localFile);
    summary.artifacts += 1;
  }
  if ((model.status === 'LOGGED_MODEL_READY' || model.status === 'LOGGED_MODEL_UPLOAD_FAILED') && remote.status !== model.status) {
    await target.tracking.finalizeLoggedModel(remoteModelId, model.status);
  }
  await context.record((ledger) => {
    const recorded = ledger.models[model.modelId];
    if (recorded) recorded.done = true;
  });
  summary.loggedModels += 1;
  context.itemDone();
}

/** MLflow 2: the model's files go under `<name>/` in its run's artifacts, and into the run's model history. */
async function pushModelAsRunArtifacts(context: PushContext, model: LoggedModel, remoteRunId: string | undefined): Promise<void> {
  const { target, summary } = context;
  if (remoteRunId === undefined) {
    summary.modelsNotSent.push(`${model.name} (${model.modelId})`);
    return;
  }
  const remoteRun = await target.tracking.getRun(remoteRunId);
  const prefix = model.name;
  let mlmodel: Record<string, unknown> | undefined;
  for (const path of await context.listFiles(model.artifactUri, '')) {
    const localFile = context.source.artifacts.artifactPath(model.artifactUri, path);
    if (path === 'MLmodel') {
      mlmodel = parseYaml(await readFile(localFile, 'utf8')) as Record<string, unknown>;
      delete mlmodel.model_id;
      Object.assign(mlmodel, { artifact_path: prefix, run_id: remoteRunId, model_uuid: model.modelId.slice(2) });
      await uploadYaml(context, remoteRun.info.artifactUri, `${prefix}/MLmodel`, mlmodel);
    } else {
      await target.artifacts.uploadArtifact(remoteRun.info.artifactUri, `${prefix}/${path}`, localFile);
    }
    summary.artifacts += 1;
  }
  const history = JSON.parse(remoteRun.data.tags[LOG_MODEL_HISTORY_TAG] ?? '[]') as Array<{ model_uuid?: unknown }>;
  if (mlmodel !== undefined && !history.some((entry) => entry.model_uuid === mlmodel?.model_uuid)) {
    await target.tracking.recordLoggedModel(remoteRunId, mlmodel);
  }
  const remoteArtifactUri = `${remoteRun.info.artifactUri.replace(/\/+$/, '')}/${prefix}`;
  await context.record((ledger) => {
    ledger.models[model.modelId] = { remoteModelId: '', remoteArtifactUri, done: true };
  });
  summary.loggedModels += 1;
}

/** The MLmodel names its model and run: on the server they are the remote ones. */
async function uploadMlmodel(context: PushContext, localFile: string, remote: LoggedModel, remoteRunId: string | undefined): Promise<void> {
  const mlmodel = parseYaml(await readFile(localFile, 'utf8')) as Record<string, unknown>;
  mlmodel.artifact_path = remote.artifactUri;
  mlmodel.model_id = remote.modelId;
  mlmodel.model_uuid = remote.modelId;
  if (remoteRunId !== undefined) mlmodel.run_id = remoteRunId;
  await uploadYaml(context, remote.artifactUri, 'MLmodel', mlmodel);
}

async function uploadYaml(context: PushContext, artifactUri: string, path: string, content: Record<string, unknown>): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'mlflow-mct-push-'));
  try {
    const file = join(scratch, 'MLmodel');
    await writeFile(file, toYaml(content, { sortMapEntries: true }));
    await context.target.artifacts.uploadArtifact(artifactUri, path, file);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
