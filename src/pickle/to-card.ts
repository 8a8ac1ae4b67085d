import type { Lang } from '../card/labels.js';
import type { KeyVal, ModelCard, ModelParameters, Risk } from '../card/schema.js';
import type { EstimatorSummary, GlobalFinding, InspectionReport } from './report.js';
import { depthRange, hyperparameterText, libraryText, listText, treeStats } from './text.js';

/**
 * What an inspection contributes to a Model Card (MCT schema v0.0.2): the model's architecture,
 * hyperparameters, inputs, outputs and library version, and a security consideration for every
 * import that makes loading the file risky.
 */
export interface CardFromInspection {
  card: ModelCard;
  /** One line per risky import (or per reason the file could not be read), for stderr. */
  warnings: string[];
  /** Some import is dangerous. */
  dangerous: boolean;
  /** Something is suspicious, dangerous or could not be inspected: what `--strict` refuses. */
  flagged: boolean;
}

interface Texts {
  from: string;
  ensemble: (count: number, className: string, depths: string, nodes: number) => string;
  tree: (depth: number, nodes: number) => string;
  hyperparameters: string;
  steps: (count: number) => string;
  features: (count: number, names: string) => string;
  featuresUnnamed: (count: number) => string;
  feature: (position: number, count: number) => string;
  output: (count: number, classes: string) => string;
  probaColumn: (index: number) => string;
  riskName: (verdict: 'suspicious' | 'dangerous', name: string) => string;
  risk: (finding: GlobalFinding, where: string) => string;
  atByte: (offset: number, calledWith: string | undefined) => string;
  mitigation: Record<'suspicious' | 'dangerous', string>;
  notInspectedName: string;
  notInspected: (compression: string) => string;
  warning: (file: string, finding: GlobalFinding, where: string) => string;
  notInspectedWarning: (file: string, compression: string) => string;
}

const TEXTS: Record<Lang, Texts> = {
  en: {
    from: 'from',
    ensemble: (count, className, depths, nodes) =>
      `Ensemble of ${count} ${className} estimators${nodes > 0 ? `, tree depth ${depths}, ${nodes} nodes in all` : ''}.`,
    tree: (depth, nodes) => `Tree of depth ${depth} with ${nodes} nodes.`,
    hyperparameters: 'Hyperparameters',
    steps: (count) => `Pipeline of ${count} steps`,
    features: (count, names) => `${count} input features, in this order: ${names}.`,
    featuresUnnamed: (count) => `${count} input features (their names are not recorded in the model).`,
    feature: (position, count) => `feature ${position} of ${count}`,
    output: (count, classes) => `One class label out of ${count}: ${classes} (predict_proba columns follow this order).`,
    probaColumn: (index) => `predict_proba column ${index}`,
    riskName: (verdict, name) => `${verdict === 'dangerous' ? 'Dangerous' : 'Suspicious'} import in the model file: ${name}`,
    risk: (finding, where) => `Static inspection found that loading this file imports ${finding.module}.${finding.name}${where} (${finding.reason}).`,
    atByte: (offset, calledWith) => ` at byte ${offset}${calledWith ? `, called with ${calledWith}` : ''}`,
    mitigation: {
      dangerous:
        'Do not load the file with pickle or joblib. Obtain the model again from a trusted source, check its sha256 against a known value, and inspect it with `mlflow-mct inspect` before loading it.',
      suspicious:
        'Load the file only if you know why the model needs this import, in an isolated environment, after checking its sha256 against a known value.',
    },
    notInspectedName: 'Model file not inspected',
    notInspected: (compression) =>
      `The model file is compressed with ${compression}, which static inspection does not read: nothing is known about what loading it would do. Decompress it and inspect it again before loading it.`,
    warning: (file, finding, where) => `${file}: ${finding.verdict} import ${finding.module}.${finding.name}${where}: ${finding.reason}`,
    notInspectedWarning: (file, compression) => `${file}: compressed with ${compression}, not inspected: treat it as untrusted`,
  },
  es: {
    from: 'de',
    ensemble: (count, className, depths, nodes) =>
      `Conjunto de ${count} estimadores ${className}${nodes > 0 ? `, profundidad de los árboles ${depths}, ${nodes} nodos en total` : ''}.`,
    tree: (depth, nodes) => `Árbol de profundidad ${depth} con ${nodes} nodos.`,
    hyperparameters: 'Hiperparámetros',
    steps: (count) => `Pipeline de ${count} pasos`,
    features: (count, names) => `${count} variables de entrada, en este orden: ${names}.`,
    featuresUnnamed: (count) => `${count} variables de entrada (sus nombres no constan en el modelo).`,
    feature: (position, count) => `variable ${position} de ${count}`,
    output: (count, classes) => `Una etiqueta de clase entre ${count}: ${classes} (las columnas de predict_proba siguen este orden).`,
    probaColumn: (index) => `columna ${index} de predict_proba`,
    riskName: (verdict, name) => `Importación ${verdict === 'dangerous' ? 'peligrosa' : 'sospechosa'} en el archivo del modelo: ${name}`,
    risk: (finding, where) =>
      `La inspección estática encontró que cargar este archivo importa ${finding.module}.${finding.name}${where}, ${
        finding.verdict === 'dangerous' ? 'que puede ejecutar código o acceder al sistema' : 'que no es un tipo de modelo conocido'
      }.`,
    atByte: (offset, calledWith) => ` en el byte ${offset}${calledWith ? `, con los argumentos ${calledWith}` : ''}`,
    mitigation: {
      dangerous:
        'No cargue el archivo con pickle ni joblib. Obtenga el modelo de nuevo de una fuente de confianza, compare su sha256 con un valor conocido e inspecciónelo con `mlflow-mct inspect` antes de cargarlo.',
      suspicious:
        'Cargue el archivo solo si sabe por qué el modelo necesita esta importación, en un entorno aislado y tras comparar su sha256 con un valor conocido.',
    },
    notInspectedName: 'Archivo del modelo no inspeccionado',
    notInspected: (compression) =>
      `El archivo del modelo está comprimido con ${compression}, que la inspección estática no lee: no se sabe qué haría al cargarse. Descomprímalo e inspecciónelo de nuevo antes de cargarlo.`,
    warning: (file, finding, where) =>
      `${file}: importación ${finding.verdict === 'dangerous' ? 'peligrosa' : 'sospechosa'} ${finding.module}.${finding.name}${where}`,
    notInspectedWarning: (file, compression) => `${file}: comprimido con ${compression}, no inspeccionado: trátelo como no confiable`,
  },
};

/** `RandomForestClassifier from scikit-learn 1.9.1 (module.Class). Ensemble of .... Hyperparameters: ...` */
function architecture(model: EstimatorSummary, texts: Texts): string {
  const parts = [`${model.className} ${texts.from} ${libraryText(model)} (${model.class}).`];
  if (model.ensemble) {
    const stats = treeStats(model.ensemble);
    parts.push(texts.ensemble(stats.count, stats.className ?? 'estimator', depthRange(stats), stats.nodes));
  }
  if (model.tree) parts.push(texts.tree(model.tree.depth, model.tree.nodeCount));
  if (model.steps) {
    const steps = model.steps.map((step) => `${step.name} = ${step.estimator ? architecture(step.estimator, texts) : step.placeholder}`);
    parts.push(`${texts.steps(model.steps.length)}: ${steps.join(' ')}`);
  }
  const hyperparameters = hyperparameterText(model);
  if (hyperparameters) parts.push(`${texts.hyperparameters}: ${hyperparameters}.`);
  return parts.join(' ');
}

function modelParameters(model: EstimatorSummary, texts: Texts): ModelParameters {
  const parameters: ModelParameters = { model_architecture: architecture(model, texts) };
  const names = model.featureNames;
  if (names) {
    parameters.input_format = texts.features(names.length, listText(names));
    parameters.input_format_map = names.map((name, index): KeyVal => ({ key: name, value: texts.feature(index + 1, names.length) }));
  } else if (model.nFeaturesIn !== null) {
    parameters.input_format = texts.featuresUnnamed(model.nFeaturesIn);
  }
  if (model.classes) {
    parameters.output_format = texts.output(model.classes.length, listText(model.classes));
    parameters.output_format_map = model.classes.map((label, index): KeyVal => ({ key: String(label), value: texts.probaColumn(index) }));
  }
  return parameters;
}

/** Turns an inspection report into card content, warnings and the verdict flags. */
export function inspectionToCard(report: InspectionReport, lang: Lang): CardFromInspection {
  const texts = TEXTS[lang];
  const risks: Risk[] = [];
  const warnings: string[] = [];
  for (const finding of report.globals) {
    if (finding.verdict !== 'suspicious' && finding.verdict !== 'dangerous') continue;
    const where = texts.atByte(finding.offsets[0] ?? 0, finding.calledWith[0]);
    risks.push({
      name: texts.riskName(finding.verdict, `${finding.module}.${finding.name}`),
      mitigation_strategy: `${texts.risk(finding, where)} ${texts.mitigation[finding.verdict]}`,
    });
    warnings.push(texts.warning(report.file.name, finding, where));
  }
  if (!report.format.inspected) {
    risks.push({ name: texts.notInspectedName, mitigation_strategy: texts.notInspected(report.format.compression) });
    warnings.push(texts.notInspectedWarning(report.file.name, report.format.compression));
  }

  const card: ModelCard = {};
  const { model } = report;
  // The library version is not the model's version, and a card is shared: only the bare file name.
  card.model_details = { path: report.file.name };
  if (model) card.model_parameters = modelParameters(model, texts);
  if (risks.length > 0) card.considerations = { ethical_considerations: risks };
  return {
    card,
    warnings,
    dangerous: report.verdict === 'dangerous',
    flagged: report.verdict === 'dangerous' || report.verdict === 'suspicious' || report.verdict === 'not-inspected',
  };
}
