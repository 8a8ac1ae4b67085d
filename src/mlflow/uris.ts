/**
 * MLflow's URIs: model URIs (`runs:/`, `models:/`) and artifact URIs (`mlflow-artifacts:`,
 * http(s) roots of the artifact proxy), parsed and resolved the way MLflow does it
 * (`mlflow/store/artifact/utils/models.py` `_parse_model_uri`,
 * `mlflow_artifacts_repo.py` `MlflowArtifactsRepository.resolve_uri`).
 */
import { MlflowUriError } from './errors.js';

export type ModelUri =
  /** `runs:/<run_id>/<path>`: an artifact path of a run (MLflow 3: or a LoggedModel of that name). */
  | { kind: 'run'; runId: string; path: string }
  /** `models:/<name>/<version>` */
  | { kind: 'version'; name: string; version: string }
  /** `models:/<name>/<stage>` (stages are deprecated in MLflow but still served) */
  | { kind: 'stage'; name: string; stage: string }
  /** `models:/<name>/latest`: the highest version number, whatever its stage */
  | { kind: 'latest'; name: string }
  /** `models:/<name>@<alias>` */
  | { kind: 'alias'; name: string; alias: string }
  /** `models:/<m-id>` (MLflow 3): a LoggedModel by id */
  | { kind: 'logged-model'; modelId: string };

const MODEL_URI_FORMS =
  'runs:/<run_id>/<path>, models:/<name>/<version>, models:/<name>/<stage>, models:/<name>/latest, models:/<name>@<alias> or models:/<model_id>';

function badModelUri(uri: string, why: string): MlflowUriError {
  return new MlflowUriError(`"${uri}" is not a valid model URI: ${why}`, { hint: `use one of ${MODEL_URI_FORMS}` });
}

/** Splits `scheme:` + rest, refusing a netloc (`scheme://host/...`) as MLflow does for these URIs. */
function pathAfterScheme(uri: string, scheme: string): string {
  const rest = uri.slice(scheme.length + 1);
  if (rest.startsWith('//')) throw badModelUri(uri, `a host after "${scheme}:" is not supported; use ${scheme}:/...`);
  if (!rest.startsWith('/')) throw badModelUri(uri, `the path after "${scheme}:" must start with "/"`);
  if (rest.replace(/\/+/g, '') === '') throw badModelUri(uri, `nothing follows "${scheme}:/"`);
  return rest;
}

export function parseModelUri(uri: string): ModelUri {
  const trimmed = uri.trim();
  if (trimmed.startsWith('runs:')) {
    const path = pathAfterScheme(trimmed, 'runs');
    const [runId = '', ...rest] = path.replace(/^\/+/, '').split('/');
    if (runId.trim() === '') throw badModelUri(uri, 'the run id is empty');
    return { kind: 'run', runId, path: normalizeArtifactPath(rest.join('/')) };
  }
  if (trimmed.startsWith('models:')) {
    const path = pathAfterScheme(trimmed, 'models');
    const parts = path.replace(/^\/+/, '').split('/');
    const [first = '', suffix] = parts;
    if (parts.length > 2 || first.trim() === '') throw badModelUri(uri, 'expected one or two path segments after "models:/"');
    if (suffix !== undefined) {
      if (suffix.trim() === '') throw badModelUri(uri, 'the version, stage or "latest" after the name is empty');
      if (/^\d+$/.test(suffix)) return { kind: 'version', name: first, version: suffix };
      if (suffix.toLowerCase() === 'latest') return { kind: 'latest', name: first };
      return { kind: 'stage', name: first, stage: suffix };
    }
    const at = first.lastIndexOf('@');
    if (at >= 0) {
      const name = first.slice(0, at);
      const alias = first.slice(at + 1);
      if (name.trim() === '') throw badModelUri(uri, 'the model name before "@" is empty');
      if (alias.trim() === '') throw badModelUri(uri, 'the alias after "@" is empty');
      return { kind: 'alias', name, alias };
    }
    return { kind: 'logged-model', modelId: first };
  }
  throw badModelUri(uri, 'it must start with runs:/ or models:/');
}

export function formatModelUri(model: ModelUri): string {
  switch (model.kind) {
    case 'run':
      return `runs:/${model.runId}/${model.path}`;
    case 'version':
      return `models:/${model.name}/${model.version}`;
    case 'stage':
      return `models:/${model.name}/${model.stage}`;
    case 'latest':
      return `models:/${model.name}/latest`;
    case 'alias':
      return `models:/${model.name}@${model.alias}`;
    case 'logged-model':
      return `models:/${model.modelId}`;
  }
}

/**
 * Checks a path relative to an artifact root and returns it normalized (no empty or `.`
 * segments, no leading or trailing slash; `''` is the root). Refuses what MLflow's
 * `validate_path_is_safe` refuses: `..` (also percent-encoded), absolute paths, backslashes,
 * drive letters and `#`.
 */
export function normalizeArtifactPath(path: string): string {
  const refuse = (why: string): never => {
    throw new MlflowUriError(`unsafe artifact path "${path}": ${why}`, {
      hint: 'use a relative path with forward slashes inside the artifact root',
    });
  };
  if (path.includes('\\')) refuse('backslashes are not allowed');
  if (path.includes('#')) refuse('"#" is not allowed');
  if (path.includes('\0')) refuse('NUL is not allowed');
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) refuse('absolute paths are not allowed');
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  for (const segment of segments) {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // Not percent-encoded text; the raw segment is what gets checked.
    }
    if (segment === '..' || decoded === '..' || decoded.includes('/') || decoded.includes('\\')) {
      refuse('".." and encoded separators are not allowed');
    }
  }
  return segments.join('/');
}

/** `a` joined with `b` as artifact paths (both already normalized). */
export function joinArtifactPath(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a}/${b}`;
}

/** Percent-encodes each segment, keeping the slashes. */
function encodeArtifactPath(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map(encodeURIComponent)
    .join('/');
}

const ARTIFACTS_API = '/api/2.0/mlflow-artifacts/artifacts';

/**
 * An artifact root that the tracking server's `mlflow-artifacts` proxy serves: `apiUrl` is the
 * proxy endpoint, `rootPath` the root's path below it (unencoded, no leading slash).
 */
export interface ProxiedArtifactRoot {
  apiUrl: string;
  rootPath: string;
}

/**
 * Maps an artifact URI to the proxy endpoint that serves it:
 * - `mlflow-artifacts:/<p>` → `<tracking URI>/api/2.0/mlflow-artifacts/artifacts/<p>`
 * - `mlflow-artifacts://host:port/<p>` → the same on that host, with the tracking URI's scheme
 * - `http(s)://…/api/2.0/mlflow-artifacts/artifacts/<p>` → as it is.
 * Any other scheme (`s3:`, `file:`, `dbfs:`, ...) means the server does not proxy this root.
 */
export function resolveProxiedArtifactRoot(artifactUri: string, trackingBaseUrl: string): ProxiedArtifactRoot {
  const tracking = new URL(trackingBaseUrl);
  const trackingPath = tracking.pathname.replace(/\/+$/, '');
  if (artifactUri.startsWith('mlflow-artifacts:')) {
    const rest = artifactUri.slice('mlflow-artifacts:'.length);
    let host = tracking.host;
    let path = rest;
    if (rest.startsWith('//')) {
      const end = rest.indexOf('/', 2);
      host = end < 0 ? rest.slice(2) : rest.slice(2, end);
      path = end < 0 ? '' : rest.slice(end);
      if (host === '') host = tracking.host;
      else if (/^\d+$/.test(host) || /^:\d+$/.test(host)) {
        throw new MlflowUriError(`artifact URI "${artifactUri}" names a host without a port or a port without a host`, {
          hint: 'the server was started with an invalid --default-artifact-root; use mlflow-artifacts:/ or host:port',
        });
      }
    }
    return {
      apiUrl: `${tracking.protocol}//${host}${trackingPath}${ARTIFACTS_API}`,
      rootPath: decodeRootPath(path),
    };
  }
  if (/^https?:\/\//i.test(artifactUri)) {
    const anchor = artifactUri.indexOf(ARTIFACTS_API);
    if (anchor < 0) {
      throw new MlflowUriError(`artifact root "${artifactUri}" is an http(s) URL but not MLflow's artifact proxy`, {
        hint: `artifact roots served over HTTP must contain ${ARTIFACTS_API}`,
      });
    }
    return {
      apiUrl: artifactUri.slice(0, anchor + ARTIFACTS_API.length),
      rootPath: decodeRootPath(artifactUri.slice(anchor + ARTIFACTS_API.length)),
    };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(artifactUri)?.[1] ?? 'a local path';
  throw new MlflowUriError(
    `artifact root "${artifactUri}" (${scheme}) is not served by the tracking server's artifact proxy`,
    {
      hint: 'start mlflow server with --serve-artifacts (the default) and no --default-artifact-root, so experiments use mlflow-artifacts:/',
    },
  );
}

function decodeRootPath(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}

/** The URL of one file under a proxied artifact root. */
export function proxiedFileUrl(root: ProxiedArtifactRoot, relativePath: string): string {
  return `${root.apiUrl}/${encodeArtifactPath(joinArtifactPath(root.rootPath, relativePath))}`;
}

/** `artifactUri` + `/relative` as an artifact URI (for `runs:/` resolution and model sources). */
export function appendToArtifactUri(artifactUri: string, relativePath: string): string {
  const path = normalizeArtifactPath(relativePath);
  return path === '' ? artifactUri : `${artifactUri.replace(/\/+$/, '')}/${path}`;
}

/** A `models:/` or `runs:/` URI, which only MLflow can resolve (anything else is a local path). */
export function isModelUri(location: string): boolean {
  return /^(models|runs):\//.test(location);
}

/** The tracking server's UI page of a run; undefined for a local store. */
export function runPageUrl(tracking: string, experimentId: string, runId: string): string | undefined {
  return /^https?:\/\//i.test(tracking) ? `${tracking.replace(/\/+$/, '')}/#/experiments/${experimentId}/runs/${runId}` : undefined;
}
