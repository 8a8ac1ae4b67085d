import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exportHubReadme, HUB_README } from '../card/export.js';
import type { Lang } from '../card/labels.js';
import { loadCardFile } from '../card/parse.js';
import { readCardExtras } from '../card/sidecar.js';
import { UsageError } from '../errors.js';
import { defineCommand } from './define.js';
import { ENV } from './environment.js';
import { described, force, inlineImages, json, lang, outDir, quiet, verbose } from './flags.js';

/** `card export`: a card in a publication format (the Hugging Face Hub's README.md). */
export function addCardExportCommand(card: Command): void {
  defineCommand<{ format: string; lang?: Lang; force?: boolean; inlineImages?: boolean }>(
    card,
    {
      name: 'export <file>',
      description:
        "Write a card (MCT JSON, YAML or an exported README, with its .mlflow-mct.json sidecar if any) as a Hugging Face Hub README.md: Hub front matter (licence slug, library, pipeline tag, tags, data sets, base model, model-index), the Hub template's sections, images as files beside it. The README carries the card: `card render README.md --format json` gives it back. Sends nothing anywhere.",
      flags: [
        { flags: '--format <list>', description: 'publication format: hf, a Hugging Face Hub README.md', choices: ['hf'], default: 'hf' },
        outDir,
        described(lang, "language of the card's labels", { default: undefined, defaultText: "the sidecar's, else en" }),
        described(force, 'overwrite an existing README.md'),
        inlineImages,
        json,
        quiet,
        verbose,
      ],
      examples: ['mlflow-mct card export penguin_model_card.json --format hf --out-dir hub', 'mlflow-mct card export card.yaml --out-dir hub --force'],
      exitCodes: { 2: 'the card is invalid or cannot be read, or README.md exists and --force is not given' },
      environment: ENV.local,
    },
    async ({ flags, options, reporter }, file) => {
      const source = file as string;
      const target = join(options.outDir, HUB_README);
      if (existsSync(target) && !flags.force) throw new UsageError(`${target} already exists`, { hint: 'pass --force to overwrite it, or --out-dir to write elsewhere' });
      const card = await loadCardFile(source);
      const { extras, lang: sidecarLang } = await readCardExtras(source);
      const written = await exportHubReadme({ card, extras, lang: flags.lang ?? sidecarLang ?? 'en', outDir: options.outDir, inlineImages: flags.inlineImages === true });
      reporter.result({ format: flags.format, files: { readme: written.readme, images: written.images } }, [
        `Hugging Face README written: ${written.readme}`,
        ...(written.images.length > 0 ? [`  Images: ${written.images.join(', ')}`] : []),
      ]);
    },
  );
}
