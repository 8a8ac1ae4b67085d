/**
 * What the REST stores share: the endpoint prefix, page sizes, and the call shapes that make
 * retries safe.
 *
 * Retries are safe here, not only in theory: MLflow retries POSTs, so a lost answer can mean the
 * server already did the work. Each non-idempotent call therefore carries a `recover` probe:
 * - runs, model versions and LoggedModels are created with a one-off `mct.request_id` tag; a
 *   retry first searches for it, and the tag is removed once the entity is known;
 * - experiments and registered models are found again by their unique name;
 * - run outputs and log-model history entries are looked up on the run;
 * - a delete whose retry answers "does not exist" was done by the earlier attempt.
 * log-batch and log-inputs need no probe: the server stores an identical metric point, param,
 * tag or dataset input once.
 */
import { MlflowNotFoundError } from '../errors.js';
import { filterKey } from '../filters.js';
import { REQUEST_MARKER_TAG } from '../tags.js';
import type { Page, Tags } from '../types.js';
import type { JsonRequest, MlflowHttpClient, QueryValue } from './http.js';

export function withoutMarker<T extends { tags: Tags }>(entity: T): T {
  if (!(REQUEST_MARKER_TAG in entity.tags)) return entity;
  const tags = { ...entity.tags };
  delete tags[REQUEST_MARKER_TAG];
  return { ...entity, tags };
}

export const MARKER_FILTER = filterKey('tags', REQUEST_MARKER_TAG);

export function page<W, T>(items: W[] | undefined, token: string | undefined, convert: (wire: W) => T): Page<T> {
  return { items: (items ?? []).map(convert), nextPageToken: token || undefined };
}

const API = '/api/2.0/mlflow';

/**
 * Page sizes: the server's own default when the caller has none (some releases read an absent
 * `max_results` as 0 and refuse it), and the most each search accepts.
 */
const PAGE_SIZES = {
  experiments: { fallback: 1000, max: 50_000 },
  runs: { fallback: 1000, max: 50_000 },
  loggedModels: { fallback: 100, max: 1000 },
  registeredModels: { fallback: 100, max: 1000 },
  modelVersions: { fallback: 10_000, max: 200_000 },
} as const;

export function pageSize(requested: number | undefined, kind: keyof typeof PAGE_SIZES): number {
  const { fallback, max } = PAGE_SIZES[kind];
  return requested === undefined ? fallback : Math.max(1, Math.min(max, Math.floor(requested)));
}

/** The value `lookup` finds, or undefined when the store says it does not exist. */
export async function findOrUndefined<T>(lookup: () => Promise<T>): Promise<T | undefined> {
  try {
    return await lookup();
  } catch (error) {
    if (error instanceof MlflowNotFoundError) return undefined;
    throw error;
  }
}

export async function exists(lookup: () => Promise<unknown>): Promise<boolean> {
  return (await findOrUndefined(lookup)) !== undefined;
}

/** One part of a REST store (tracking, registry, artifacts); all parts share one HTTP client. */
export abstract class RestStorePart {
  constructor(readonly http: MlflowHttpClient) {}

  get location(): string {
    return this.http.baseUrl;
  }

  protected call<T>(
    method: JsonRequest<T>['method'],
    endpoint: string,
    payload?: Record<string, unknown>,
    recover?: () => Promise<T | undefined>,
  ): Promise<T> {
    const path = `${API}/${endpoint}`;
    if (method === 'GET') {
      return this.http.json<T>({ method, path, query: payload as Record<string, QueryValue> | undefined, recover });
    }
    return this.http.json<T>({ method, path, body: payload ?? {}, recover });
  }

  /** A delete: when a retry finds nothing left to delete, an earlier attempt did it. */
  protected async callDelete(method: 'POST' | 'DELETE', endpoint: string, payload: Record<string, unknown>, stillThere: () => Promise<boolean>): Promise<void> {
    await this.call<object>(method, endpoint, payload, async () => ((await stillThere()) ? undefined : {}));
  }

  /** Removes the request marker; failure to do so is harmless and not worth failing the call. */
  protected async dropMarker(remove: () => Promise<void>): Promise<void> {
    try {
      await remove();
    } catch (error) {
      if (!(error instanceof MlflowNotFoundError)) throw error;
    }
  }
}
