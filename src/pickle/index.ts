/** Static inspection of pickle and joblib model files: nothing in them is ever executed. */
export { inspectBytes, inspectModelFile, type InspectOptions } from './inspect.js';
export { describeReport } from './describe.js';
export { inspectionToCard, type CardFromInspection } from './to-card.js';
export { classifyName, VERDICT_ORDER, type Verdict, type GlobalVerdict } from './globals.js';
export { DEFAULT_LIMITS, type InspectionLimits } from './limits.js';
export type {
  EnsembleSummary,
  EstimatorSummary,
  FileSummary,
  FormatSummary,
  GlobalFinding,
  InspectionReport,
  JsonValue,
  PipelineStep,
  Scalar,
  TreeSummary,
} from './report.js';
