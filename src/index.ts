/**
 * mlflow-mct as a library: the Model Card core (schema, reading, writing, rendering) and the
 * error hierarchy. Modules for MLflow, training and model-file inspection export from here as
 * well.
 */
export * from './errors.js';
export * from './card/schema.js';
export { checkCard, parseCard, parseCardText, loadCardFile, type CardCheck } from './card/parse.js';
export { migrateV001ToV002 } from './card/migrate.js';
export { toMctJson, toMctObject } from './card/serialize.js';
export { renderCard, CARD_FORMATS, type CardFormat, type RenderOptions } from './card/render.js';
export { mergeCards, cardFromFlags, parseMetric, parseOwner, type CardFlags } from './card/compose.js';
export { formatWarnings } from './card/checks.js';
export { writeCard, cardFileNames, type CardFiles, type WriteCardOptions } from './card/write.js';
export { LANGUAGES, CARD_LABELS, type Lang, type CardLabels } from './card/labels.js';
export { legacyCardDefaults } from './card/presets/legacy.js';
export { apiCardDefaults, type ApiModelFacts } from './card/presets/api.js';
export * from './pickle/index.js';
export * from './train/index.js';
