import type { ModelCard } from './schema.js';

/**
 * Advisory checks that MCT itself does not make: the schema declares `format: date` and
 * `format: uri` but MCT never enforces them (its own examples use "08/28/2020"), so these are
 * warnings, never errors.
 */
export function formatWarnings(card: ModelCard): string[] {
  const warnings: string[] = [];
  const date = card.model_details?.version?.date;
  if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    warnings.push(`model_details.version.date: "${date}" is not an ISO date (YYYY-MM-DD); MCT accepts it, other tools may not`);
  }
  const uris: Array<[string, string | undefined]> = [
    ...(card.model_details?.references ?? []).map((reference, index): [string, string | undefined] => [`model_details.references[${index}].reference`, reference.reference]),
    ...(card.model_parameters?.data ?? []).map((dataset, index): [string, string | undefined] => [`model_parameters.data[${index}].link`, dataset.link]),
  ];
  for (const [path, value] of uris) {
    if (value !== undefined && !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value)) warnings.push(`${path}: "${value}" is not a URI`);
  }
  return warnings;
}
