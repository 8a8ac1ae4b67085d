/**
 * legacy-card: a Model Card for a model file MLflow never tracked. Compute: the file (when
 * given) is inspected statically, never loaded, for the model details, parameters and risks.
 * Write: the card, over the legacy defaults. Record: the card attached to an existing run or
 * version when asked (see `card-attachment.ts`).
 */
import { mergeCards } from '../card/compose.js';
import type { Lang } from '../card/labels.js';
import { legacyCardDefaults } from '../card/presets/legacy.js';
import { renderDescription } from '../card/render.js';
import type { ModelCard } from '../card/schema.js';
import { writeCard, type CardFiles } from '../card/write.js';
import { inspectModelFile } from '../pickle/inspect.js';
import type { InspectionLimits } from '../pickle/limits.js';
import type { FileSummary, InspectionReport } from '../pickle/report.js';
import { inspectionToCard } from '../pickle/to-card.js';
import type { CardAttachStep } from './card-attachment.js';

export interface LegacyCardRequest {
  /** The model file to inspect, if any. */
  modelFile?: string | undefined;
  /** How errors about the model file name it (the flag it came from). */
  modelFileLabel?: string | undefined;
  limits: Partial<InspectionLimits>;
  lang: Lang;
  outDir: string;
  htmlName: string;
  inlineImages: boolean;
  /** Lays the user's `--config` and card flags over the defaults and the facts found. */
  composeCard: (defaults: ModelCard, facts: ModelCard) => Promise<ModelCard>;
  /** Hears what the inspection found worth saying (suspicious imports, unreadable parts), before anything is written. */
  onWarning: (message: string) => void;
}

export interface LegacyCardOutcome<T> {
  card: ModelCard;
  files: CardFiles;
  inspection: InspectionReport | undefined;
  /** The file has a suspicious or dangerous import, or could not be inspected. */
  flagged: boolean;
  attached: T | undefined;
}

/** What the card says about the model file itself. */
function modelFileCard(file: FileSummary, lang: Lang): ModelCard {
  const documentation =
    lang === 'es'
      ? `Archivo del modelo ${file.name}: ${file.sizeBytes} bytes, sha256 ${file.sha256}. El archivo no se cargó para generar esta ficha.`
      : `Model file ${file.name}: ${file.sizeBytes} bytes, sha256 ${file.sha256}. The file was not loaded to write this card.`;
  return { model_details: { documentation, path: file.name } };
}

/** Risks found in the file are added to the default pickle risk rather than replacing it. */
function afterDefaultRisks(card: ModelCard, defaults: ModelCard): ModelCard {
  const found = card.considerations?.ethical_considerations;
  if (!found) return card;
  const ethical_considerations = [...(defaults.considerations?.ethical_considerations ?? []), ...found];
  return { ...card, considerations: { ...card.considerations, ethical_considerations } };
}

export async function legacyCard<T>(request: LegacyCardRequest, attach?: CardAttachStep<T>): Promise<LegacyCardOutcome<T>> {
  const inspection = request.modelFile === undefined ? undefined : await inspectModelFile(request.modelFile, request.limits, request.modelFileLabel);
  const file = inspection?.file;
  const fromModel = inspection ? inspectionToCard(inspection, request.lang) : undefined;
  const defaults = legacyCardDefaults(request.lang, { ...(file ? { fileName: file.name } : {}), ...(inspection?.model ? { className: inspection.model.className } : {}) });
  const facts = file && fromModel ? mergeCards(modelFileCard(file, request.lang), afterDefaultRisks(fromModel.card, defaults)) : {};
  for (const warning of fromModel?.warnings ?? []) request.onWarning(warning);

  const written = await writeCard({
    card: await request.composeCard(defaults, facts),
    outDir: request.outDir,
    htmlName: request.htmlName,
    lang: request.lang,
    inlineImages: request.inlineImages,
    ...(file ? { extensions: { model_file: { name: file.name, size_bytes: file.sizeBytes, sha256: file.sha256 } } } : {}),
  });
  const attached = attach ? await attach(written.files, renderDescription(written.card, { lang: request.lang })) : undefined;
  return { card: written.card, files: written.files, inspection, flagged: fromModel?.flagged === true, attached };
}
