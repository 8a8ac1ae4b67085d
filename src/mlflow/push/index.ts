export { pushLocalStore } from './engine.js';
export { type PushOptions, type PushProgress, type PushSummary } from './context.js';
export { ledgerTargetKey } from './ledger.js';
