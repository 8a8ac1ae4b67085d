/**
 * What a card needs to be published or checked that Model Card Toolkit has no field for. It
 * lives in the card's sidecar file (`<card>.mlflow-mct.json`), never in the MCT JSON, which
 * carries only keys MCT's loader accepts.
 */

/** Hugging Face Hub metadata (README front matter) that the MCT card cannot express. */
export interface HubFacts {
  license?: string;
  license_name?: string;
  license_link?: string;
  library_name?: string;
  pipeline_tag?: string;
  tags?: string[];
  datasets?: string[];
  base_model?: string | string[];
  language?: string[];
}

export interface CardExtras {
  hub?: HubFacts;
  /** Uses the model is not meant for (Mitchell et al. 4.2; the Hub's "Out-of-Scope Use"). */
  out_of_scope_uses?: string[];
  /** How to load the model: a `models:/` URI and/or a code snippet. */
  get_started?: { uri?: string; code?: string; language?: string };
  /** EU AI Act Annex IV items, by the keys `card check --profile eu-ai-act` lists. */
  eu_ai_act?: Record<string, string>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] | undefined {
  if (typeof value === 'string' && value.trim() !== '') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item.trim() !== '') : undefined;
}

/** The extras found in a sidecar document (unknown keys and wrong types are ignored). */
export function extrasOf(sidecar: unknown): CardExtras {
  if (!isObject(sidecar)) return {};
  const extras: CardExtras = {};
  const hub = sidecar.hub;
  if (isObject(hub)) {
    const facts: HubFacts = {};
    for (const key of ['license', 'license_name', 'license_link', 'library_name', 'pipeline_tag'] as const) {
      if (typeof hub[key] === 'string' && hub[key] !== '') facts[key] = hub[key];
    }
    for (const key of ['tags', 'datasets', 'language'] as const) {
      const list = strings(hub[key]);
      if (list && list.length > 0) facts[key] = list;
    }
    const base = typeof hub.base_model === 'string' ? hub.base_model : strings(hub.base_model);
    if (base && base.length > 0) facts.base_model = base;
    extras.hub = facts;
  }
  const outOfScope = strings(sidecar.out_of_scope_uses);
  if (outOfScope && outOfScope.length > 0) extras.out_of_scope_uses = outOfScope;
  if (isObject(sidecar.get_started)) {
    const { uri, code, language } = sidecar.get_started;
    extras.get_started = {
      ...(typeof uri === 'string' ? { uri } : {}),
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof language === 'string' ? { language } : {}),
    };
  }
  if (isObject(sidecar.eu_ai_act)) {
    extras.eu_ai_act = Object.fromEntries(Object.entries(sidecar.eu_ai_act).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== ''));
  }
  return extras;
}

/** How cards write an out-of-scope use as a limitation (MCT has no field for it). */
const OUT_OF_SCOPE = /^\s*(out of scope|fuera de alcance)\s*:\s*/i;

export function isOutOfScope(limitation: string): boolean {
  return OUT_OF_SCOPE.test(limitation);
}

/** The out-of-scope uses of a card: the sidecar's, else limitations written "Out of scope: ...". */
export function outOfScopeUses(limitations: readonly string[], extras: CardExtras): string[] {
  if (extras.out_of_scope_uses && extras.out_of_scope_uses.length > 0) return extras.out_of_scope_uses;
  // "Out of scope: penguins of other species" lists "Penguins of other species".
  return limitations.filter(isOutOfScope).map((text) => text.replace(OUT_OF_SCOPE, '').replace(/^\p{Ll}/u, (letter) => letter.toUpperCase()));
}
