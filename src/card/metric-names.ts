/**
 * Metrics as readers see them: display names for metric keys (`f1_weighted` -> "F1 (weighted)"),
 * cross-validation mean and standard deviation in one row ("0.97 ± 0.01"), intervals labelled
 * "95% CI", and Spanish values with a decimal comma. The MCT JSON keeps the raw strings; only the
 * rendered card changes.
 */
import type { Lang } from './labels.js';
import type { PerformanceMetric } from './schema.js';

const BASE_NAMES: Record<string, Record<Lang, string>> = {
  accuracy: { en: 'Accuracy', es: 'Exactitud' },
  balanced_accuracy: { en: 'Balanced accuracy', es: 'Exactitud equilibrada' },
  oob_accuracy: { en: 'Out-of-bag accuracy', es: 'Exactitud fuera de la bolsa (OOB)' },
  precision: { en: 'Precision', es: 'Precisión' },
  recall: { en: 'Recall', es: 'Exhaustividad' },
  f1: { en: 'F1', es: 'F1' },
  support: { en: 'Support', es: 'Soporte' },
  log_loss: { en: 'Log loss', es: 'Pérdida logarítmica' },
  roc_auc: { en: 'ROC AUC', es: 'ROC AUC' },
  auc: { en: 'AUC', es: 'AUC' },
  perplexity: { en: 'Perplexity', es: 'Perplejidad' },
  mse: { en: 'Mean squared error', es: 'Error cuadrático medio' },
  rmse: { en: 'Root mean squared error', es: 'Raíz del error cuadrático medio' },
  mae: { en: 'Mean absolute error', es: 'Error absoluto medio' },
  r2: { en: 'R²', es: 'R²' },
};

const AVERAGES: Record<string, Record<Lang, string>> = {
  macro: { en: 'macro', es: 'macro' },
  weighted: { en: 'weighted', es: 'ponderado' },
  micro: { en: 'micro', es: 'micro' },
};

const WORDS: Record<Lang, { cv: string; ci: string; plusMinus: string; mean: string; std: string }> = {
  en: { cv: 'cross-validation', ci: '95% CI', plusMinus: '±', mean: 'mean', std: 'std' },
  es: { cv: 'validación cruzada', ci: 'IC 95 %', plusMinus: '±', mean: 'media', std: 'desv. típica' },
};

/** The display name of a metric key: `f1_weighted` -> "F1 (weighted)"; unknown keys stay as they are. */
export function metricKeyName(key: string, lang: Lang): string {
  const [type, threshold] = key.split('@');
  const base = type as string;
  // A cross-validation summary on its own (the Hub's model-index lists each): "Accuracy (cross-validation mean)".
  const summary = /^(.+)_cv_(mean|std)$/.exec(base);
  const summarized = summary && threshold === undefined ? metricKeyName(summary[1] as string, lang) : undefined;
  if (summary && summarized !== undefined && summarized !== summary[1]) {
    const words = WORDS[lang];
    return `${summarized} (${words.cv}: ${summary[2] === 'mean' ? words.mean : words.std})`;
  }
  let name = BASE_NAMES[base]?.[lang];
  if (!name) {
    const match = /^(.+)_(macro|weighted|micro)$/.exec(base);
    const known = match ? BASE_NAMES[match[1] as string]?.[lang] : undefined;
    if (match && known) name = `${known} (${AVERAGES[match[2] as string]?.[lang]})`;
  }
  return `${name ?? base}${threshold !== undefined ? ` @ ${threshold}` : ''}`;
}

/** The display name of a metric, its slice in parentheses: "F1 (Adelie)". */
export function metricDisplayName(metric: PerformanceMetric, lang: Lang): string {
  const name = metricKeyName(metric.type ?? '', lang);
  return metric.slice ? `${name} (${metric.slice})` : name;
}

/** A number as the card's language writes it: Spanish uses a decimal comma; anything else is kept. */
export function localNumber(value: string, lang: Lang): string {
  if (lang !== 'es' || !/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(value.trim())) return value;
  return value.trim().replace('.', ',');
}

export interface MetricRow {
  name: string;
  value: string;
}

/**
 * The rows of a metric table: `<m>_cv_mean` and `<m>_cv_std` become one "mean ± std" row named
 * after `<m>` and cross-validation; a confidence interval is shown as "(95% CI lower–upper)".
 */
export function metricRows(metrics: readonly PerformanceMetric[], lang: Lang): MetricRow[] {
  const words = WORDS[lang];
  const byType = new Map(metrics.filter((metric) => !metric.slice).map((metric) => [metric.type, metric]));
  const rows: MetricRow[] = [];
  for (const metric of metrics) {
    const type = metric.type ?? '';
    const value = localNumber(metric.value ?? '', lang);
    const cv = /^(.+)_cv_(mean|std)$/.exec(type);
    if (cv && !metric.slice) {
      const [, base, part] = cv as unknown as [string, string, string];
      const partner = byType.get(`${base}_cv_${part === 'mean' ? 'std' : 'mean'}`);
      if (partner && part === 'std') continue;
      const mean = part === 'mean' ? value : localNumber(partner?.value ?? '', lang);
      const std = part === 'std' ? value : localNumber(partner?.value ?? '', lang);
      rows.push({
        name: `${metricKeyName(base, lang)}, ${words.cv}`,
        value: partner ? `${mean} ${words.plusMinus} ${std}` : part === 'mean' ? mean : `${words.plusMinus} ${std}`,
      });
      continue;
    }
    const interval = metric.confidence_interval;
    const bounds =
      interval && (interval.lower_bound || interval.upper_bound)
        ? ` (${words.ci} ${localNumber(interval.lower_bound ?? '', lang)}–${localNumber(interval.upper_bound ?? '', lang)})`
        : '';
    rows.push({ name: metricDisplayName(metric, lang), value: `${value}${bounds}` });
  }
  return rows;
}
