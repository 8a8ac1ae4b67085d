/**
 * Attaching a Model Card to MLflow: its files as artifacts of a run and/or of a registered model
 * version, and its Markdown as the version's description, so the card shows on the version page.
 *
 * How a command uses it (`--mlflow-run-id`, `--mlflow-reg-name`, `--mlflow-reg-version`):
 *
 * ```ts
 * const request = { runId, registeredModelName, modelVersion, files: [htmlPath, mdPath, jsonPath], markdown };
 * if (options.dryRun) {
 *   for (const line of planCardAttachment(request).lines) reporter.progress(`would ${line}`);
 * } else {
 *   const client = MlflowClient.fromConfig(loadMlflowConfig({ mlflowUri, mlflowExperiment }));
 *   try {
 *     const result = await attachCardToMlflow(client, request);
 *     for (const line of result.lines) reporter.progress(line);
 *     if (result.descriptionTruncated) reporter.warn('the card is longer than MLflow keeps in a description; the full card is attached as an artifact');
 *   } finally {
 *     await client.close();
 *   }
 * }
 * ```
 *
 * `planCardAttachment` touches no network and checks the request (at least one target, files
 * given, no two files with the same name), so a dry run fails the same way a real run would.
 * Without `modelVersion` the latest version (highest number) is used. A version's files go to
 * the version's run (MLflow 2 and 3) or, for a version registered from a LoggedModel without a
 * run, to the LoggedModel's artifacts, under `model_card/`, and the version's `mlflow-mct.card`
 * tag names the HTML among them (`runs:/<run>/...` or `models:/<m-id>/...`). When the run given
 * is the version's run, the files are logged there once. Files are uploaded before the
 * description and tag are set, so neither points at files that are not there.
 */
import { basename } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import type { MlflowClient } from './client.js';
import type { ModelVersion } from './types.js';
import { CARD_VERSION_TAG } from './tags.js';
import { joinArtifactPath, normalizeArtifactPath } from './uris.js';

export interface CardAttachmentRequest {
  /** Log the card files as artifacts of this run. */
  runId?: string | undefined;
  /** Put the card on a version of this registered model. */
  registeredModelName?: string | undefined;
  /** The version; the latest one when undefined. */
  modelVersion?: string | number | undefined;
  /** Local card files (HTML, Markdown, JSON...). */
  files: string[];
  /** The card's Markdown, for the version description. */
  markdown: string;
  /** Artifact directory for the files (default `model_card`). */
  artifactPath?: string | undefined;
}

export type CardAttachmentAction =
  | { kind: 'log-run-artifacts'; runId: string; artifactPath: string; files: string[] }
  | { kind: 'log-version-artifacts'; name: string; version: string; artifactPath: string; files: string[] }
  | { kind: 'set-version-description'; name: string; version: string; characters: number };

export interface CardAttachmentPlan {
  actions: CardAttachmentAction[];
  /** One human sentence per action, e.g. for `--dry-run` output. */
  lines: string[];
}

export interface CardAttachmentResult extends CardAttachmentPlan {
  /** Artifact paths written to the run given by `runId`. */
  runArtifacts: string[];
  /** The version the card went to, after the update. */
  modelVersion: ModelVersion | undefined;
  /** Where the version's files went: a run or a LoggedModel, and the paths. */
  versionArtifacts: { owner: 'run' | 'logged-model'; id: string; paths: string[] } | undefined;
  /** The Markdown was longer than MLflow keeps and was cut, with a pointer to the full card. */
  descriptionTruncated: boolean;
}

const DEFAULT_ARTIFACT_PATH = 'model_card';
const LATEST = 'latest';

function describe(action: CardAttachmentAction): string {
  switch (action.kind) {
    case 'log-run-artifacts':
      return `log ${action.files.length} card file(s) as artifacts of run ${action.runId} under ${action.artifactPath}/`;
    case 'log-version-artifacts':
      return `log ${action.files.length} card file(s) under ${action.artifactPath}/ of the run (or LoggedModel) of ${action.name} version ${action.version}`;
    case 'set-version-description':
      return `set the description of ${action.name} version ${action.version} to the card's Markdown (${action.characters} characters) and its ${CARD_VERSION_TAG} tag to the card's HTML`;
  }
}

function planOf(actions: CardAttachmentAction[]): CardAttachmentPlan {
  return { actions, lines: actions.map(describe) };
}

/** The actions an attachment would take, without contacting MLflow; throws on a bad request. */
export function planCardAttachment(request: CardAttachmentRequest): CardAttachmentPlan {
  const runId = request.runId?.trim();
  const name = request.registeredModelName?.trim();
  if (!runId && !name) {
    throw new UsageError('nothing to attach the card to', { hint: 'pass --mlflow-run-id <id> and/or --mlflow-reg-name <name>' });
  }
  if (request.modelVersion !== undefined && !name) {
    throw new UsageError('--mlflow-reg-version needs --mlflow-reg-name', { hint: 'name the registered model the version belongs to' });
  }
  const version = request.modelVersion === undefined ? LATEST : String(request.modelVersion).trim();
  if (!/^\d+$/.test(version) && version !== LATEST) {
    throw new UsageError(`model version "${version}" is not a version number`, { hint: 'pass --mlflow-reg-version 3, or leave it out for the latest' });
  }
  if (request.files.length === 0) throw new InputError('no card files to attach', { hint: 'write the card first' });
  const names = request.files.map((file) => basename(file));
  const repeated = names.find((file, index) => names.indexOf(file) !== index);
  if (repeated) throw new InputError(`two card files are both called ${repeated}`, { hint: 'give the card files distinct names' });
  const artifactPath = normalizeArtifactPath(request.artifactPath ?? DEFAULT_ARTIFACT_PATH);

  const actions: CardAttachmentAction[] = [];
  if (runId) actions.push({ kind: 'log-run-artifacts', runId, artifactPath, files: request.files });
  if (name) {
    actions.push({ kind: 'log-version-artifacts', name, version, artifactPath, files: request.files });
    actions.push({ kind: 'set-version-description', name, version, characters: request.markdown.length });
  }
  return planOf(actions);
}

/** The Markdown cut to `limit` characters at a line break, ending with where the full card is. */
function fitDescription(markdown: string, limit: number, fullCardPath: string | undefined): { text: string; truncated: boolean } {
  if (markdown.length <= limit) return { text: markdown, truncated: false };
  const notice = `\n\n…\n\n*The card is longer than MLflow keeps in a description${fullCardPath ? `; the full card is the artifact \`${fullCardPath}\`` : ''}.*\n`;
  const room = Math.max(0, limit - notice.length);
  const cut = markdown.lastIndexOf('\n', room);
  return { text: `${markdown.slice(0, cut > room / 2 ? cut : room)}${notice}`, truncated: true };
}

/**
 * Carries out the plan against MLflow and returns it with the version resolved. See the module
 * comment for how a command calls it.
 */
export async function attachCardToMlflow(client: MlflowClient, request: CardAttachmentRequest): Promise<CardAttachmentResult> {
  const plan = planCardAttachment(request);
  const result: CardAttachmentResult = {
    actions: [],
    lines: [],
    runArtifacts: [],
    modelVersion: undefined,
    versionArtifacts: undefined,
    descriptionTruncated: false,
  };
  const upload = async (runId: string, artifactPath: string, files: string[]): Promise<string[]> => {
    const paths: string[] = [];
    for (const file of files) paths.push(await client.logArtifact(runId, file, artifactPath));
    return paths;
  };

  // Resolve the version and where its files go before writing anything, so a bad name or
  // version fails with nothing half-done.
  const versionAction = plan.actions.find((action) => action.kind === 'log-version-artifacts');
  let version: ModelVersion | undefined;
  if (versionAction) {
    version =
      versionAction.version === LATEST
        ? await client.getLatestModelVersion(versionAction.name)
        : await client.getModelVersion(versionAction.name, versionAction.version);
    if (!version.runId && !version.modelId) {
      throw new InputError(`${version.name} version ${version.version} has neither a run nor a LoggedModel to attach the card files to`, {
        hint: 'attach the card to a run with --mlflow-run-id instead',
      });
    }
  }
  const capabilities = await client.capabilities();

  const executed: CardAttachmentAction[] = [];
  for (const action of plan.actions) {
    if (action.kind === 'log-run-artifacts') {
      result.runArtifacts = await upload(action.runId, action.artifactPath, action.files);
      executed.push(action);
    } else if (action.kind === 'log-version-artifacts' && version) {
      const resolved = { ...action, version: version.version };
      if (version.runId) {
        // The version's run is the run given: its files are already there.
        const logged = version.runId === request.runId?.trim() && result.runArtifacts.length > 0;
        const paths = logged ? result.runArtifacts : await upload(version.runId, action.artifactPath, action.files);
        result.versionArtifacts = { owner: 'run', id: version.runId, paths };
        if (logged) continue;
      } else if (version.modelId) {
        const model = await client.getLoggedModel(version.modelId);
        const paths: string[] = [];
        for (const file of action.files) {
          const target = joinArtifactPath(action.artifactPath, basename(file));
          await client.store.artifacts.uploadArtifact(model.artifactUri, target, file);
          paths.push(target);
        }
        result.versionArtifacts = { owner: 'logged-model', id: version.modelId, paths };
      }
      executed.push(resolved);
    } else if (action.kind === 'set-version-description' && version) {
      const markdownFile = result.versionArtifacts?.paths.find((path) => path.endsWith('.md'));
      const { text, truncated } = fitDescription(request.markdown, capabilities.limits.maxDescriptionLength, markdownFile);
      result.modelVersion = await client.updateModelVersionDescription(version.name, version.version, text);
      result.descriptionTruncated = truncated;
      const html = result.versionArtifacts?.paths.find((path) => path.endsWith('.html'));
      if (html && result.versionArtifacts) {
        const { owner, id } = result.versionArtifacts;
        const cardUri = `${owner === 'run' ? 'runs' : 'models'}:/${id}/${html}`;
        await client.setModelVersionTag(version.name, version.version, CARD_VERSION_TAG, cardUri);
        result.modelVersion = { ...result.modelVersion, tags: { ...result.modelVersion.tags, [CARD_VERSION_TAG]: cardUri } };
      }
      executed.push({ ...action, version: version.version, characters: text.length });
    }
  }
  return { ...result, ...planOf(executed) };
}
