import { UsageError } from '../errors.js';

/**
 * The little of the Hugging Face Hub a reference registration needs: whether a name is a valid
 * repository id, and the commit a model's main branch is at (what MLflow records as
 * `source_model_revision` so that loading later fetches exactly those weights).
 */

const REPO_ID = /^(?:[\w.-]+\/)?[\w.-]+$/;
const MAX_REPO_ID_LENGTH = 96;
/** A full commit sha; anything else is a branch or tag that can move. */
export const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** `huggingface_hub.utils.validate_repo_id`'s rules: `name` or `namespace/name`, no `--` or `..`. */
export function isValidRepoId(id: string): boolean {
  return (
    id.length <= MAX_REPO_ID_LENGTH &&
    REPO_ID.test(id) &&
    !id.includes('--') &&
    !id.includes('..') &&
    !/^[-.]|[-.]$/.test(id.split('/').at(-1) ?? '') &&
    !id.endsWith('.git')
  );
}

export interface HubOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** `HF_ENDPOINT` (mirrors and private hubs), else the public Hub. */
function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return (env.HF_ENDPOINT?.trim() || 'https://huggingface.co').replace(/\/+$/, '');
}

function unresolved(modelId: string, why: string): UsageError {
  return new UsageError(`cannot resolve the revision of ${modelId} from the Hugging Face Hub: ${why}`, {
    hint: 'pass --revision <commit sha> (the "Files and versions" tab of the model page lists it)',
  });
}

/**
 * The commit sha the model's default branch points at, as `HfApi().model_info(repo).sha` gives
 * it. Honours `HF_HUB_OFFLINE`, `HF_ENDPOINT` and `HF_TOKEN` (sent, never shown).
 */
export async function resolveHubRevision(modelId: string, options: HubOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  if (['1', 'true', 'yes', 'on'].includes((env.HF_HUB_OFFLINE ?? '').toLowerCase())) throw unresolved(modelId, 'HF_HUB_OFFLINE is set');
  const token = env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN;
  const url = `${hubEndpoint(env)}/api/models/${modelId.split('/').map(encodeURIComponent).join('/')}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const why = (error as Error).name === 'TimeoutError' ? 'the Hub did not answer in time' : `the Hub is not reachable${cause ? ` (${cause})` : ''}`;
    throw unresolved(modelId, why);
  }
  if (response.status === 401 || response.status === 403) throw unresolved(modelId, `access denied (HTTP ${response.status}); set HF_TOKEN for gated or private models`);
  if (response.status === 404) throw unresolved(modelId, 'no such model (HTTP 404); check --model');
  if (!response.ok) throw unresolved(modelId, `HTTP ${response.status}`);
  const body = (await response.json().catch(() => undefined)) as { sha?: unknown } | undefined;
  if (typeof body?.sha !== 'string' || !COMMIT_SHA.test(body.sha)) throw unresolved(modelId, 'the answer has no commit sha');
  return body.sha;
}
