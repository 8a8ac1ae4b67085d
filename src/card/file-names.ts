/** The files a card is written to, named from one stem (light: commands name them before anything is computed). */
import { basename, join } from 'node:path';

export interface CardFileNames {
  html: string;
  md: string;
  json: string;
  sidecar: string;
}

export function cardFileNames(outDir: string, htmlName: string): CardFileNames {
  const stem = cardStem(htmlName);
  return {
    html: join(outDir, `${stem}.html`),
    md: join(outDir, `${stem}.md`),
    json: join(outDir, `${stem}.json`),
    sidecar: join(outDir, `${stem}.mlflow-mct.json`),
  };
}

export function cardStem(name: string): string {
  return basename(name).replace(/\.(html?|md|json)$/i, '');
}
