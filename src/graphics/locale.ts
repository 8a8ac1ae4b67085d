/** The words and number formats of a chart, in the card's language. */

export type ChartLang = 'en' | 'es';

export interface ChartLocale {
  lang: ChartLang;
  /** `value` with `decimals` decimals, in the language's notation ("0.957", "0,957"). */
  number(value: number, decimals: number): string;
  /** "0.870–0.993" */
  range(lower: number, upper: number, decimals: number): string;
  words: {
    barChart: string;
    intervalChart: string;
    stripChart: string;
    heatmap: string;
    mean: string;
    std: string;
    min: string;
    max: string;
    foldScores: string;
    meanStd: string;
    interval95: string;
    rows: string;
    columns: string;
  };
}

const WORDS: Record<ChartLang, ChartLocale['words']> = {
  en: {
    barChart: 'Horizontal bar chart',
    intervalChart: 'Dot chart with 95% intervals',
    stripChart: 'Dot chart of the score of every fit, with the mean and ± 1 standard deviation',
    heatmap: 'Heatmap of counts',
    mean: 'mean',
    std: 'standard deviation',
    min: 'Min',
    max: 'Max',
    foldScores: 'Score of each fit',
    meanStd: 'Mean ± std',
    interval95: '95% CI',
    rows: 'Rows',
    columns: 'columns',
  },
  es: {
    barChart: 'Gráfico de barras horizontales',
    intervalChart: 'Gráfico de puntos con intervalos del 95 %',
    stripChart: 'Gráfico de puntos con la puntuación de cada ajuste, la media y ± 1 desviación típica',
    heatmap: 'Mapa de calor de recuentos',
    mean: 'media',
    std: 'desviación típica',
    min: 'Mín.',
    max: 'Máx.',
    foldScores: 'Puntuación de cada ajuste',
    meanStd: 'Media ± desv. típica',
    interval95: 'IC 95 %',
    rows: 'Filas',
    columns: 'columnas',
  },
};

export function chartLocale(lang: ChartLang): ChartLocale {
  const separator = lang === 'es' ? ',' : '.';
  const number = (value: number, decimals: number): string => {
    const text = value.toFixed(decimals);
    return separator === '.' ? text : text.replace('.', separator);
  };
  return {
    lang,
    number,
    range: (lower, upper, decimals) => `${number(lower, decimals)}–${number(upper, decimals)}`,
    words: WORDS[lang],
  };
}
