import { relative } from 'node:path';
import type { CardFiles } from '../card/write.js';
import type { ModelCard } from '../card/schema.js';
import type { GlobalOptions } from './output.js';
import { Reporter } from './output.js';

function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** The human lines naming written card files. */
export function cardFileLines(files: CardFiles): string[] {
  const labels: Array<[Exclude<keyof CardFiles, 'images'>, string]> = [
    ['html', 'HTML'],
    ['md', 'Markdown'],
    ['json', 'MCT JSON'],
    ['sidecar', 'Extensions'],
  ];
  const lines = ['Model card written:'];
  for (const [key, label] of labels) {
    const path = files[key];
    if (path) lines.push(`  ${label}: ${display(path)}`);
  }
  if (files.images && files.images.length > 0) lines.push(`  Images: ${files.images.map(display).join(', ')}`);
  return lines;
}

/** Reports written card files: a JSON summary with --json, a line per file otherwise. */
export function reportCard(
  reporter: Reporter,
  options: GlobalOptions,
  card: ModelCard,
  files: CardFiles,
  extra: Record<string, unknown> = {},
): void {
  const summary = {
    dry_run: options.dryRun,
    card: { name: card.model_details?.name, version: card.model_details?.version?.name },
    files,
    ...extra,
  };
  reporter.result(summary, cardFileLines(files));
}
