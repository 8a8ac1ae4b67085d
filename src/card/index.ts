/**
 * `mlflow-mct/card`: Model Cards as Model Card Toolkit reads them (schema v0.0.2): the zod
 * schema and types, parsing and validation, v0.0.1 migration, MCT JSON, HTML and Markdown
 * rendering, merging cards from flags and files, writing the card files, and the presets of the
 * legacy-model and external-API cards.
 */
export * from './schema.js';
export { checkCard, parseCard, parseCardText, loadCardFile, type CardCheck } from './parse.js';
export { migrateV001ToV002 } from './migrate.js';
export { toMctJson, toMctObject } from './serialize.js';
export { renderCard, CARD_FORMATS, type CardFormat, type RenderOptions } from './render.js';
export { mergeCards, cardFromFlags, parseMetric, parseOwner, type CardFlags } from './compose.js';
export { formatWarnings } from './checks.js';
export { writeCard, cardFileNames, type CardFiles, type WriteCardOptions } from './write.js';
export { LANGUAGES, CARD_LABELS, type Lang, type CardLabels } from './labels.js';
export { legacyCardDefaults } from './presets/legacy.js';
export { apiCardDefaults, type ApiModelFacts } from './presets/api.js';
