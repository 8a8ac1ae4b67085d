import { UsageError } from '../errors.js';
import { licenseFromText } from './migrate.js';
import type { ModelCard, Owner, PerformanceMetric } from './schema.js';

/**
 * Building a card from layers: a command's defaults, then the user's `--config` card, then flags.
 * Objects merge key by key; a list or a string in a later layer replaces the earlier one.
 */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeValue(base: unknown, overlay: unknown): unknown {
  if (overlay === undefined) return base;
  if (isPlainObject(base) && isPlainObject(overlay)) {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(overlay)) merged[key] = mergeValue(base[key], value);
    return merged;
  }
  return overlay;
}

export function mergeCards(base: ModelCard, ...overlays: ModelCard[]): ModelCard {
  return overlays.reduce<ModelCard>((card, overlay) => mergeValue(card, overlay) as ModelCard, base);
}

/**
 * The lowest layer of a written card: today's date as the version date (ISO), or the date of
 * SOURCE_DATE_EPOCH for reproducible builds. A date from MLflow or the user replaces it.
 */
export function datedToday(env: NodeJS.ProcessEnv = process.env): ModelCard {
  const epoch = Number(env.SOURCE_DATE_EPOCH);
  const now = env.SOURCE_DATE_EPOCH && Number.isFinite(epoch) ? new Date(epoch * 1000) : new Date();
  return { model_details: { version: { date: now.toISOString().slice(0, 10) } } };
}

/** The card flags every card command shares. */
export interface CardFlags {
  name?: string;
  modelVersion?: string;
  overview?: string;
  owner?: string[];
  license?: string;
  metric?: string[];
  useCase?: string[];
  user?: string[];
  limitation?: string[];
}

const OWNER = /^\s*([^<>]*?)\s*(?:<([^<>]*)>)?\s*$/;

/** `--owner "Name <contact>"`; the contact part is optional. */
export function parseOwner(text: string): Owner {
  const match = OWNER.exec(text);
  const name = match?.[1]?.trim();
  const contact = match?.[2]?.trim();
  if (!match || (!name && !contact)) {
    throw new UsageError(`--owner "${text}" is not "Name <contact>"`, { hint: 'write e.g. --owner "Ana Pérez <ana@example.com>"' });
  }
  return { ...(name ? { name } : {}), ...(contact ? { contact } : {}) };
}

const METRIC = /^([^=@]+)=([^@]+)(?:@(.+))?$/;

/** `--metric type=value[@slice]`; values stay strings, as MCT stores them. */
export function parseMetric(text: string): PerformanceMetric {
  const match = METRIC.exec(text.trim());
  const type = match?.[1]?.trim();
  const value = match?.[2]?.trim();
  if (!match || !type || !value) {
    throw new UsageError(`--metric "${text}" is not type=value[@slice]`, { hint: 'write e.g. --metric accuracy=0.98 or --metric f1=0.97@Adelie' });
  }
  const slice = match[3]?.trim();
  return { type, value, ...(slice ? { slice } : {}) };
}

function descriptions(list: string[] | undefined): Array<{ description: string }> | undefined {
  return list?.map((description) => ({ description }));
}

function definedOnly<T extends object>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as T) : undefined;
}

/** The partial card the shared flags describe; absent flags leave the lower layers alone. */
export function cardFromFlags(flags: CardFlags): ModelCard {
  const modelDetails = definedOnly({
    name: flags.name,
    overview: flags.overview,
    version: flags.modelVersion === undefined ? undefined : { name: flags.modelVersion },
    owners: flags.owner?.map(parseOwner),
    licenses: flags.license === undefined ? undefined : [licenseFromText(flags.license)],
  });
  const considerations = definedOnly({
    users: descriptions(flags.user),
    use_cases: descriptions(flags.useCase),
    limitations: descriptions(flags.limitation),
  });
  const metrics = flags.metric?.map(parseMetric);
  return {
    ...(modelDetails ? { model_details: modelDetails } : {}),
    ...(considerations ? { considerations } : {}),
    ...(metrics ? { quantitative_analysis: { performance_metrics: metrics } } : {}),
  };
}
