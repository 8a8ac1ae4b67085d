import type { CardExtras } from '../extras.js';
import { isOutOfScope, outOfScopeUses } from '../extras.js';
import { hubMetadata } from '../hub.js';
import { getStarted } from '../hub-view.js';
import type { ModelCard, PerformanceMetric } from '../schema.js';

/**
 * What a complete card holds, one requirement per item a reader or a regulator looks for. Each
 * names where it lives: a field of the MCT JSON, or (for what MCT has no field for) a key of the
 * card's sidecar `<card>.mlflow-mct.json`. Profiles pick from these and weigh them.
 */

export type Assessment = { status: 'ok' } | { status: 'missing' } | { status: 'weak'; detail: string };

export interface Requirement {
  /** The field path in the MCT JSON, or `sidecar:` and the key path in the sidecar. */
  path: string;
  /** What a reader loses when it is missing. */
  why: string;
  assess(card: ModelCard, extras: CardExtras): Assessment;
}

const OK: Assessment = { status: 'ok' };
const MISSING: Assessment = { status: 'missing' };
const weak = (detail: string): Assessment => ({ status: 'weak', detail });

const filled = (text: string | undefined): boolean => text !== undefined && text.trim() !== '';
const present = (text: string | undefined): Assessment => (filled(text) ? OK : MISSING);
const anyFilled = (items: ReadonlyArray<{ description?: string }> | undefined): Assessment =>
  (items ?? []).some((item) => filled(item.description)) ? OK : MISSING;
/** A metric on a real subgroup; MCT's own examples name the whole data set "overall". */
const isSliced = (metric: PerformanceMetric): boolean => filled(metric.slice) && !/^(overall|all|total|global)$/i.test((metric.slice as string).trim());
const limitationsOf = (card: ModelCard): string[] =>
  (card.considerations?.limitations ?? []).map((item) => item.description ?? '').filter(filled);

/** A sidecar key under `eu_ai_act`, for the Annex IV items MCT has no field for. */
function euItem(key: string, why: string): Requirement {
  return { path: `sidecar:eu_ai_act.${key}`, why, assess: (_card, extras) => present(extras.eu_ai_act?.[key]) };
}

/**
 * Whether the overall metrics state their uncertainty: a confidence interval, or a
 * cross-validation mean with its standard deviation (`<name>_cv_mean` beside `<name>_cv_std`).
 */
function headlineIntervals(card: ModelCard): Assessment {
  const metrics = card.quantitative_analysis?.performance_metrics ?? [];
  const hasInterval = (metric: PerformanceMetric) => filled(metric.confidence_interval?.lower_bound) && filled(metric.confidence_interval?.upper_bound);
  const types = new Set(metrics.map((metric) => metric.type ?? ''));
  const spread = (metric: PerformanceMetric) => /_cv_std$/.test(metric.type ?? '') || types.has((metric.type ?? '').replace(/_cv_mean$/, '_cv_std')) && /_cv_mean$/.test(metric.type ?? '');
  if (!metrics.some((metric) => hasInterval(metric) || spread(metric))) return MISSING;
  const headline = metrics.filter((metric) => !isSliced(metric));
  const bare = headline.filter((metric) => !hasInterval(metric) && !spread(metric)).map((metric) => metric.type ?? '?');
  return bare.length === 0 ? OK : weak(`no interval on ${bare.join(', ')}`);
}

function disaggregated(card: ModelCard): Assessment {
  const slices = new Set((card.quantitative_analysis?.performance_metrics ?? []).filter(isSliced).map((metric) => (metric.slice as string).trim()));
  if (slices.size === 0) return MISSING;
  return slices.size >= 2 ? OK : weak('metrics for one slice only; a comparison needs at least two');
}

export const REQUIREMENTS = {
  name: { path: 'model_details.name', why: 'readers cannot tell which model the card describes', assess: (card) => present(card.model_details?.name) },
  overview: { path: 'model_details.overview', why: 'no one-line statement of what the model does', assess: (card) => present(card.model_details?.overview) },
  developer: {
    path: 'model_details.owners[].name',
    why: 'no developer: nobody is accountable for the model',
    assess: (card) => ((card.model_details?.owners ?? []).some((owner) => filled(owner.name)) ? OK : MISSING),
  },
  contact: {
    path: 'model_details.owners[].contact',
    why: 'no contact: readers cannot report a problem or ask a question',
    assess: (card) => ((card.model_details?.owners ?? []).some((owner) => filled(owner.contact)) ? OK : MISSING),
  },
  version: { path: 'model_details.version.name', why: 'no version: readers cannot tell which model build the card is about', assess: (card) => present(card.model_details?.version?.name) },
  date: {
    path: 'model_details.version.date',
    why: 'no date: readers cannot tell whether the card is current',
    assess: (card) => {
      const date = card.model_details?.version?.date;
      if (!filled(date)) return MISSING;
      return /^\d{4}-\d{2}-\d{2}$/.test(date as string) ? OK : weak(`"${date}" is not an ISO date (YYYY-MM-DD)`);
    },
  },
  changes: { path: 'model_details.version.diff', why: 'no change log: what differs from the previous version is unknown', assess: (card) => present(card.model_details?.version?.diff) },
  license: {
    path: 'model_details.licenses',
    why: 'no licence: nobody knows whether they may use or share the model',
    assess: (card) => ((card.model_details?.licenses ?? []).some((license) => filled(license.identifier) || filled(license.custom_text)) ? OK : MISSING),
  },
  citation: {
    path: 'model_details.citations',
    why: 'no citation: the model cannot be credited or referenced',
    assess: (card) => ((card.model_details?.citations ?? []).some((citation) => filled(citation.citation)) ? OK : MISSING),
  },
  references: {
    path: 'model_details.references',
    why: 'no reference: no paper or resource to read more',
    assess: (card) => ((card.model_details?.references ?? []).some((reference) => filled(reference.reference)) ? OK : MISSING),
  },
  architecture: {
    path: 'model_parameters.model_architecture',
    why: 'no model type or training algorithm: readers cannot judge how the model works',
    assess: (card) => present(card.model_parameters?.model_architecture),
  },
  inputFormat: {
    path: 'model_parameters.input_format',
    why: 'no input specification: callers cannot tell what data the model expects',
    assess: (card) => (filled(card.model_parameters?.input_format) || (card.model_parameters?.input_format_map ?? []).length > 0 ? OK : MISSING),
  },
  outputFormat: {
    path: 'model_parameters.output_format',
    why: 'no output specification: callers cannot tell what the model returns',
    assess: (card) => (filled(card.model_parameters?.output_format) || (card.model_parameters?.output_format_map ?? []).length > 0 ? OK : MISSING),
  },
  trainingData: {
    path: 'model_parameters.data[].description',
    why: 'no training data description: provenance, size and preprocessing are unknown',
    assess: (card) => {
      const data = card.model_parameters?.data ?? [];
      if (data.length === 0) return MISSING;
      const bare = data.filter((dataset) => !filled(dataset.description)).length;
      return bare === 0 ? OK : weak(`${bare} of ${data.length} datasets have no description`);
    },
  },
  evaluationData: {
    path: 'model_parameters.data[]',
    why: 'no separate evaluation data: the metrics may have been measured on the training data',
    assess: (card) => {
      const count = (card.model_parameters?.data ?? []).length;
      return count >= 2 ? OK : count === 1 ? weak('one dataset: training and evaluation data are not told apart') : MISSING;
    },
  },
  sensitiveData: {
    path: 'model_parameters.data[].sensitive',
    why: 'no sensitive-data declaration: readers cannot tell whether personal data was used',
    assess: (card) => ((card.model_parameters?.data ?? []).some((dataset) => dataset.sensitive !== undefined) ? OK : MISSING),
  },
  metrics: {
    path: 'quantitative_analysis.performance_metrics',
    why: 'no metric: how well the model performs is unknown',
    assess: (card) => ((card.quantitative_analysis?.performance_metrics ?? []).some((metric) => filled(metric.type) && filled(metric.value)) ? OK : MISSING),
  },
  disaggregated: {
    path: 'quantitative_analysis.performance_metrics[].slice',
    why: 'no disaggregated metric: performance may differ across groups without anyone seeing it',
    assess: disaggregated,
  },
  intervals: {
    path: 'quantitative_analysis.performance_metrics[].confidence_interval',
    why: 'no interval: readers cannot tell a real difference from noise',
    assess: headlineIntervals,
  },
  users: { path: 'considerations.users', why: 'no intended users: it is unclear who the model is built for', assess: (card) => anyFilled(card.considerations?.users) },
  useCases: { path: 'considerations.use_cases', why: 'no intended use: readers cannot tell what the model is for', assess: (card) => anyFilled(card.considerations?.use_cases) },
  outOfScope: {
    path: 'sidecar:out_of_scope_uses',
    why: 'no out-of-scope use: nothing warns against uses the model was not built or tested for',
    assess: (card, extras) => (outOfScopeUses(limitationsOf(card), extras).length > 0 ? OK : MISSING),
  },
  limitations: {
    path: 'considerations.limitations',
    why: 'no limitation: known failure modes are hidden from users',
    assess: (card) => (limitationsOf(card).some((text) => !isOutOfScope(text)) ? OK : MISSING),
  },
  tradeoffs: { path: 'considerations.tradeoffs', why: 'no trade-off: the design choices and what they cost are not stated', assess: (card) => anyFilled(card.considerations?.tradeoffs) },
  ethics: {
    path: 'considerations.ethical_considerations',
    why: 'no ethical considerations: risks and harms, and how they are mitigated, are not stated',
    assess: (card) => {
      const risks = (card.considerations?.ethical_considerations ?? []).filter((risk) => filled(risk.name));
      if (risks.length === 0) return MISSING;
      const bare = risks.filter((risk) => !filled(risk.mitigation_strategy)).length;
      return bare === 0 ? OK : weak(`${bare} of ${risks.length} risks have no mitigation strategy`);
    },
  },
  getStarted: {
    path: 'sidecar:get_started',
    why: 'no "How to Get Started": readers cannot load the model',
    assess: (card, extras) => (getStarted(card, extras) ? OK : MISSING),
  },
  hubLicense: {
    path: 'model_details.licenses (front matter license)',
    why: 'no licence in the metadata: the Hub shows none and filters cannot find the model',
    assess: (card, extras) => {
      const metadata = hubMetadata(card, extras);
      if (metadata.license === undefined) return MISSING;
      return metadata.license === 'other' && metadata.license_link === undefined ? weak('not a Hub licence slug: written as "other" without a link to the text') : OK;
    },
  },
  hubLibrary: { path: 'sidecar:hub.library_name', why: 'no library_name: the Hub shows no library and no loading widget', assess: (_card, extras) => present(extras.hub?.library_name) },
  hubPipeline: { path: 'sidecar:hub.pipeline_tag', why: 'no pipeline_tag: the Hub cannot list the model under its task, and model-index has no task type', assess: (_card, extras) => present(extras.hub?.pipeline_tag) },
  hubDatasets: { path: 'sidecar:hub.datasets', why: 'no datasets: the Hub cannot link the model to the data it was trained on', assess: (_card, extras) => ((extras.hub?.datasets ?? []).length > 0 ? OK : MISSING) },
  hubTags: { path: 'sidecar:hub.tags', why: 'no tags of its own: the model is hard to find on the Hub', assess: (_card, extras) => ((extras.hub?.tags ?? []).length > 0 ? OK : MISSING) },
  modelIndex: {
    path: 'quantitative_analysis.performance_metrics (front matter model-index)',
    why: 'no model-index: the Hub shows no evaluation results',
    assess: (card, extras) => {
      const metadata = hubMetadata(card, extras);
      if (metadata['model-index'] === undefined) return MISSING;
      return extras.hub?.pipeline_tag ? OK : weak('task type "other": set hub.pipeline_tag in the sidecar');
    },
  },
  euInteractions: euItem('interactions', 'Annex IV 1(b): how the system interacts with other hardware, software or AI systems is not stated'),
  euSoftwareVersions: euItem('software_versions', 'Annex IV 1(c): the versions of the software it needs, and update requirements, are not stated'),
  euMarketForms: euItem('market_forms', 'Annex IV 1(d): the forms in which it is supplied (package, download, API) are not stated'),
  euHardware: euItem('hardware', 'Annex IV 1(e): the hardware it is meant to run on is not stated'),
  euComputeResources: euItem('compute_resources', 'Annex IV 2(c): the computational resources used to develop, train and test it are not stated'),
  euDataGovernance: euItem('data_governance', 'Annex IV 2(d): how the data was obtained, selected, labelled and cleaned is not stated'),
  euHumanOversight: euItem('human_oversight', 'Annex IV 2(e): the human-oversight measures (Art. 14) are not assessed'),
  euPredeterminedChanges: euItem('predetermined_changes', 'Annex IV 2(f): planned changes and how compliance is kept through them are not stated'),
  euCybersecurity: euItem('cybersecurity', 'Annex IV 2(h): the cybersecurity measures are not stated'),
  euMetricRationale: euItem('metric_rationale', 'Annex IV 4: why these performance metrics suit the system is not argued'),
  euRiskManagement: euItem('risk_management', 'Annex IV 5: the risk-management system (Art. 9) is not described'),
  euStandards: euItem('standards', 'Annex IV 7: the harmonised standards or other specifications applied are not listed'),
  euDeclaration: euItem('declaration_of_conformity', 'Annex IV 8: no reference to the EU declaration of conformity (Art. 47)'),
  euPostMarket: euItem('post_market_monitoring', 'Annex IV 9: the post-market monitoring plan (Art. 72) is not described'),
} satisfies Record<string, Requirement>;

export type RequirementId = keyof typeof REQUIREMENTS;
