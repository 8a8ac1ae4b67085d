/**
 * The Hugging Face Hub's README metadata (the YAML front matter) for a card: licence as a Hub
 * slug, library, pipeline tag, tags, data sets, base model and a `model-index` built from the
 * card's metrics, so `huggingface_hub.ModelCard.load` reads the card and the Hub indexes it.
 */
import YAML from 'yaml';
import type { CardExtras } from './extras.js';
import { metricDisplayName } from './metric-names.js';
import type { License, ModelCard } from './schema.js';

/** Licence ids the Hub knows (hub-docs `repositories-licenses.md`), lowercase as the Hub writes them. */
const HUB_LICENSES = new Set([
  'apache-2.0', 'mit', 'openrail', 'bigscience-openrail-m', 'creativeml-openrail-m', 'bigscience-bloom-rail-1.0', 'bigcode-openrail-m',
  'afl-3.0', 'artistic-2.0', 'bsl-1.0', 'bsd', 'bsd-2-clause', 'bsd-3-clause', 'bsd-3-clause-clear', 'c-uda', 'cc', 'cc0-1.0', 'cc-by-2.0',
  'cc-by-2.5', 'cc-by-3.0', 'cc-by-4.0', 'cc-by-sa-3.0', 'cc-by-sa-4.0', 'cc-by-nc-2.0', 'cc-by-nc-3.0', 'cc-by-nc-4.0', 'cc-by-nd-4.0',
  'cc-by-nc-nd-3.0', 'cc-by-nc-nd-4.0', 'cc-by-nc-sa-2.0', 'cc-by-nc-sa-3.0', 'cc-by-nc-sa-4.0', 'cdla-sharing-1.0', 'cdla-permissive-1.0',
  'cdla-permissive-2.0', 'wtfpl', 'ecl-2.0', 'epl-1.0', 'epl-2.0', 'etalab-2.0', 'eupl-1.1', 'eupl-1.2', 'agpl-3.0', 'gfdl', 'gpl', 'gpl-2.0',
  'gpl-3.0', 'lgpl', 'lgpl-2.1', 'lgpl-3.0', 'isc', 'h-research', 'intel-research', 'lppl-1.3c', 'ms-pl', 'apple-ascl', 'apple-amlr',
  'mpl-2.0', 'odc-by', 'odbl', 'openrail++', 'osl-3.0', 'postgresql', 'ofl-1.1', 'ncsa', 'unlicense', 'zlib', 'pddl', 'lgpl-lr',
  'deepfloyd-if-license', 'llama2', 'llama3', 'llama3.1', 'llama3.2', 'llama3.3', 'llama4', 'gemma', 'unknown', 'other',
]);

/** SPDX ids whose Hub slug is not just the lowercase id. */
const SPDX_TO_HUB: Record<string, string> = { 'gpl-2.0-only': 'gpl-2.0', 'gpl-3.0-only': 'gpl-3.0', 'lgpl-2.1-only': 'lgpl-2.1', 'lgpl-3.0-only': 'lgpl-3.0', 'agpl-3.0-only': 'agpl-3.0', '0bsd': 'bsd' };

export interface HubLicense {
  license: string;
  license_name?: string;
  license_link?: string;
}

/**
 * An MCT licence (or a Hub id from a model README) as the Hub writes it: its slug, else `other` with a name and link.
 * @internal exported for its unit tests only
 */
export function hubLicense(license: License | string): HubLicense {
  const text = typeof license === 'string' ? license : (license.identifier ?? license.custom_text ?? '');
  const lower = text.trim().toLowerCase();
  const slug = SPDX_TO_HUB[lower] ?? lower;
  if (HUB_LICENSES.has(slug)) return { license: slug };
  const link = /^https?:\/\/\S+$/.test(text.trim()) ? text.trim() : undefined;
  const name = (link ? 'custom' : lower.replace(/[^a-z0-9.+-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64)) || 'custom';
  return { license: 'other', license_name: name, ...(link ? { license_link: link } : {}) };
}

function numberOrText(value: string): number | string {
  const number = Number(value);
  return value.trim() !== '' && Number.isFinite(number) ? number : value;
}

const unique = (items: string[]): string[] => [...new Set(items.filter((item) => item.trim() !== ''))];

/** The `model-index` entry of a card: one result per card, a metric per MCT performance metric. */
function modelIndex(card: ModelCard, extras: CardExtras): Array<Record<string, unknown>> | undefined {
  const metrics = (card.quantitative_analysis?.performance_metrics ?? []).filter((metric) => metric.type && metric.value);
  if (metrics.length === 0) return undefined;
  const data = card.model_parameters?.data ?? [];
  const evaluation = data.at(-1);
  const task = extras.hub?.pipeline_tag ?? 'other';
  return [
    {
      name: card.model_details?.name ?? 'model',
      results: [
        {
          task: { type: task },
          dataset: { type: extras.hub?.datasets?.[0] ?? evaluation?.name ?? 'custom', name: evaluation?.name ?? extras.hub?.datasets?.[0] ?? 'evaluation data' },
          metrics: metrics.map((metric) => ({
            type: metric.type,
            value: numberOrText(metric.value as string),
            name: metricDisplayName(metric, 'en'),
            ...(metric.slice ? { config: metric.slice } : {}),
          })),
        },
      ],
    },
  ];
}

/** The Hub metadata of a card, in the order the Hub's template writes it; empty keys are left out. */
export function hubMetadata(card: ModelCard, extras: CardExtras): Record<string, unknown> {
  const hub = extras.hub ?? {};
  // The card's licence (which --license sets) wins over the one a model README declared.
  const cardLicense = card.model_details?.licenses?.[0];
  const license = cardLicense ? hubLicense(cardLicense) : hub.license ? { ...hubLicense(hub.license), ...(hub.license_name ? { license_name: hub.license_name } : {}), ...(hub.license_link ? { license_link: hub.license_link } : {}) } : undefined;
  const tags = unique([...(hub.tags ?? []), 'model-card', 'mlflow-mct']);
  const datasets = unique(hub.datasets ?? []);
  const index = modelIndex(card, extras);
  const metadata: Record<string, unknown> = {
    ...(hub.language && hub.language.length > 0 ? { language: hub.language } : {}),
    ...(license ?? {}),
    ...(hub.library_name ? { library_name: hub.library_name } : {}),
    ...(hub.pipeline_tag ? { pipeline_tag: hub.pipeline_tag } : {}),
    ...(tags.length > 0 ? { tags } : {}),
    ...(datasets.length > 0 ? { datasets } : {}),
    ...(hub.base_model ? { base_model: hub.base_model } : {}),
    ...(index ? { 'model-index': index } : {}),
  };
  return metadata;
}

/**
 * A YAML front matter block (with its `---` lines), or nothing for empty metadata. Written as
 * YAML 1.1, which the Hub's PyYAML reads: strings such as 2026-01-31 or "yes" are quoted so
 * that they stay strings there too.
 */
export function frontMatter(metadata: Record<string, unknown>): string {
  if (Object.keys(metadata).length === 0) return '';
  return `---\n${YAML.stringify(metadata, { lineWidth: 0, version: '1.1' })}---\n\n`;
}
