export {
  Pusher,
  pushLocalStore,
  type PlanItem,
  type PlanKind,
  type PushOptions,
  type PushProgress,
  type PushSummary,
} from './engine.js';
export { LEDGER_FILE, PushLedger, ledgerTargetKey, type TargetLedger } from './ledger.js';
export { INCOMPLETE_RUN_TAG, SOURCE_MODEL_TAG, SOURCE_RUN_TAG, SOURCE_VERSION_TAG } from '../tags.js';
