/** Walking a store search page by page: one walker for every search the client offers. */
import type { Page, SearchOptions } from '../types.js';

export interface SearchAllOptions extends Omit<SearchOptions, 'pageToken' | 'maxResults'> {
  /** Stop after this many results (all of them when undefined). */
  limit?: number | undefined;
  /** Page size asked of the store. */
  pageSize?: number | undefined;
}

/** Every item of a search (up to `options.limit`), asking the store for one page at a time. */
export async function collectPages<T>(
  fetch: (pageToken: string | undefined, pageSize: number | undefined) => Promise<Page<T>>,
  options: SearchAllOptions = {},
): Promise<T[]> {
  const results: T[] = [];
  let token: string | undefined;
  do {
    const remaining = options.limit === undefined ? undefined : options.limit - results.length;
    const size = remaining === undefined ? options.pageSize : Math.min(remaining, options.pageSize ?? remaining);
    const page = await fetch(token, size);
    results.push(...page.items);
    token = page.nextPageToken;
  } while (token !== undefined && (options.limit === undefined || results.length < options.limit));
  return options.limit === undefined ? results : results.slice(0, options.limit);
}
