import type { EstimatorSummary, InspectionReport } from './report.js';
import { depthRange, hyperparameterText, libraryText, listText, treeStats } from './text.js';

/** The inspection report as lines for people (the JSON report is the complete one). */

const VERDICT_LABEL = { safe: 'safe', 'expected-ML': 'expected-ML', suspicious: 'SUSPICIOUS', dangerous: 'DANGEROUS' } as const;

const VERDICT_SUMMARY: Record<InspectionReport['verdict'], string> = {
  safe: 'every import is a plain array or container type',
  'expected-ML': 'every import is a known model, array or container type',
  suspicious: 'some imports are not known model types: loading the file would import and may call them',
  dangerous: 'loading this file can run code or reach the system: do not load it',
  'not-inspected': 'the content could not be read, so nothing is known about what loading it would do',
};

function modelLines(model: EstimatorSummary, indent: string): string[] {
  const row = (label: string, text: string): string => `${indent}${label.padEnd(17)}${text}`;
  const lines = [row('class', `${model.class} (${libraryText(model)})`)];
  if (model.ensemble) {
    const stats = treeStats(model.ensemble);
    const trees = stats.nodes > 0 ? `, depth ${depthRange(stats)}, ${stats.nodes} nodes` : '';
    lines.push(row('ensemble', `${stats.count} × ${stats.className ?? 'estimator'}${trees}`));
  }
  if (model.tree) lines.push(row('tree', `depth ${model.tree.depth}, ${model.tree.nodeCount} nodes`));
  if (model.featureNames) lines.push(row(`features (${model.featureNames.length})`, listText(model.featureNames)));
  else if (model.nFeaturesIn !== null) lines.push(row('features', `${model.nFeaturesIn} (names not recorded)`));
  if (model.classes) lines.push(row(`classes (${model.classes.length})`, listText(model.classes)));
  const hyperparameters = hyperparameterText(model);
  if (hyperparameters) lines.push(row('hyperparameters', hyperparameters));
  for (const step of model.steps ?? []) {
    lines.push(row(`step ${step.name}`, step.estimator ? step.estimator.className : (step.placeholder ?? 'unreadable')));
    if (step.estimator) lines.push(...modelLines(step.estimator, `${indent}  `));
  }
  return lines;
}

export function describeReport(report: InspectionReport): string[] {
  const { file, format } = report;
  const lines = [`File       ${file.name} (${file.sizeBytes} bytes, sha256 ${file.sha256})`];
  const protocol = format.protocol === null || format.detected.includes('protocol') ? '' : `, protocol ${format.protocol}`;
  const streams = format.streams > 1 ? `, ${format.streams} pickle streams` : '';
  lines.push(`Format     ${format.detected}${protocol}${streams}`);
  if (format.members.length > 0) {
    lines.push(`Members    ${format.members.map((member) => `${member.name} (${member.container})`).join(', ')}`);
  }
  lines.push(`Verdict    ${report.verdict}: ${VERDICT_SUMMARY[report.verdict]}`);
  if (report.model) {
    lines.push(`Model      ${report.model.className}${report.modelPath ? ` (at ${report.modelPath})` : ''}`);
    lines.push(...modelLines(report.model, '  '));
  } else if (format.inspected) {
    lines.push('Model      none found (the top-level object is not an estimator)');
  }
  if (report.globals.length > 0) {
    lines.push(`Imports (${report.globals.length})`);
    for (const finding of report.globals) {
      const where = `${finding.count > 1 ? ` ×${finding.count}` : ''} at byte ${finding.offsets[0]}`;
      const call = finding.calledWith.length > 0 ? `; called with ${finding.calledWith[0]}` : '';
      const member = finding.member === undefined ? '' : ` in ${finding.member}`;
      lines.push(`  ${VERDICT_LABEL[finding.verdict].padEnd(11)} ${finding.module}.${finding.name}${where}${member}: ${finding.reason}${call}`);
    }
  }
  if (report.notes.length > 0) lines.push('Notes', ...report.notes.map((note) => `  ${note}`));
  return lines;
}
