/**
 * What a pushed model version says about where it came from, made true on the server. A
 * version's description (the card's Markdown) and tags (`mlflow-mct.run_id`, `mlflow-mct.card`)
 * name the local run, `models:/m-<local id>` and `models:/<name>/<local version>`; on the server
 * the run, the LoggedModel and the version number are others, so a tag followed there must lead
 * to the copies push made.
 */
import type { Tags } from '../types.js';

/** The server's counterparts of one version's local references; undefined when not pushed. */
export interface RemoteCounterparts {
  run?: { local: string; remote: string } | undefined;
  /** `remoteUri`: `models:/m-<id>` on MLflow 3, `runs:/<run>/<path>` on MLflow 2 (no LoggedModels). */
  model?: { local: string; remoteId: string | undefined; remoteUri: string } | undefined;
  version?: { name: string; local: string; remote: string } | undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A function that rewrites every local reference in a text to its server counterpart. */
export function referenceRewriter(counterparts: RemoteCounterparts): (text: string) => string {
  const rules: Array<[pattern: string, replace: (match: string) => string]> = [];
  const { run, model, version } = counterparts;
  if (model) {
    rules.push([`models:/${escapeRegExp(model.local)}(?![\\w-])`, () => model.remoteUri]);
    const remoteId = model.remoteId;
    if (remoteId !== undefined) rules.push([`(?<![\\w-])${escapeRegExp(model.local)}(?![\\w-])`, () => remoteId]);
  }
  if (run) rules.push([`(?<![\\w-])${escapeRegExp(run.local)}(?![\\w-])`, () => run.remote]);
  if (version && version.local !== version.remote) {
    // A description is Markdown, where the name's underscores may be escaped.
    const names = [...new Set([version.name, version.name.replaceAll('_', '\\_')])].map(escapeRegExp).join('|');
    rules.push([`models:/(?:${names})/${escapeRegExp(version.local)}(?!\\d)`, (match) => `${match.slice(0, -version.local.length)}${version.remote}`]);
  }
  if (rules.length === 0) return (text) => text;
  // One pass: a replacement is never matched again by another rule.
  const combined = new RegExp(rules.map(([pattern]) => `(${pattern})`).join('|'), 'g');
  return (text) =>
    text.replace(combined, (match: string, ...groups: unknown[]) => {
      const index = groups.slice(0, rules.length).findIndex((group) => group !== undefined);
      return rules[index]?.[1](match) ?? match;
    });
}

export function rewriteTags(tags: Tags, rewrite: (text: string) => string): Tags {
  return Object.fromEntries(Object.entries(tags).map(([key, value]) => [key, rewrite(value)]));
}
