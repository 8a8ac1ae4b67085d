/**
 * Which of the card languages a passage is written in, when its words say so clearly: a Spanish
 * card rendered from an English card (MCT's examples), or English citations in a Spanish card,
 * get `lang="en"` on those passages so screen readers pronounce them right (WCAG 3.1.2).
 * Function words decide; short or mixed passages (names, numbers, identifiers) say nothing.
 */

import type { Lang } from './labels.js';

const FUNCTION_WORDS: Record<Lang, ReadonlySet<string>> = {
  en: new Set(['the', 'and', 'of', 'to', 'is', 'are', 'for', 'with', 'on', 'in', 'from', 'this', 'that', 'be', 'by', 'it', 'as', 'or', 'an', 'was', 'were', 'which', 'its', 'at', 'has', 'have', 'not', 'only', 'their', 'when', 'than', 'into', 'each', 'should', 'can', 'will', 'these',
    // Words of reference lists, which have few function words ("R package version 0.1.0"; Spanish writes paquete, datos, versión).
    'package', 'data', 'version', 'journal', 'proceedings']),
  es: new Set(['el', 'la', 'los', 'las', 'del', 'y', 'que', 'en', 'un', 'una', 'por', 'para', 'con', 'es', 'son', 'se', 'al', 'su', 'sus', 'lo', 'como', 'más', 'entre', 'sobre', 'pero', 'cada', 'este', 'esta', 'estos', 'sin', 'muy', 'según', 'cuando', 'también', 'desde', 'hasta']),
};

function detectLanguage(text: string): Lang | undefined {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length < 3) return undefined;
  const counts = (Object.keys(FUNCTION_WORDS) as Lang[]).map((lang) => ({ lang, hits: words.filter((word) => FUNCTION_WORDS[lang].has(word)).length }));
  counts.sort((a, b) => b.hits - a.hits);
  const [first, second] = counts;
  if (!first || first.hits < 2 || first.hits < 2 * (second?.hits ?? 0) + 1) return undefined;
  return first.lang;
}

/** The passage's language when it is clearly not the page's, else undefined. */
export function foreignLanguage(text: string, pageLang: Lang): Lang | undefined {
  const detected = detectLanguage(text);
  return detected && detected !== pageLang ? detected : undefined;
}
