export { pushLocalStore } from './engine.js';
export { type PushOptions, type PushProgress, type PushSummary } from './context.js';
export { ledgerTargetKey } from './ledger.js';
export { INCOMPLETE_RUN_TAG, SOURCE_MODEL_TAG, SOURCE_RUN_TAG, SOURCE_VERSION_TAG } from '../tags.js';
