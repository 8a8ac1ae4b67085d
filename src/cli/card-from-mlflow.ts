import { Command } from 'commander';
import { cardFromMlflow } from '../card/from-mlflow.js';
import { readModelRecord, readRunRecord, type MlflowModelRecord } from '../card/mlflow-record.js';
import { renderDescription } from '../card/render.js';
import { cardFileList, writeCard } from '../card/write.js';
import { attachCardToMlflow, type CardAttachmentRequest } from '../mlflow/attach-card.js';
import { parseModelUri } from '../mlflow/uris.js';
import { cardOutputName, composeCard, type CardOptionValues } from './card-options.js';
import { reportCard } from './card-result.js';
import { defineCommand, type CommandContext } from './define.js';
import { ENV } from './environment.js';
import { CARD_FLAGS, described, dryRun, json, mlflowUri, outDir, quiet, timeout, verbose, type FlagSpec } from './flags.js';
import { openExisting, plannedLocation, type MlflowUriValues } from './registry-options.js';

const MLFLOW_CARD_STEM = 'model_card';

type FromMlflowFlags = CardOptionValues & MlflowUriValues & { attach?: boolean };

/**
 * Where `--attach` puts the card: on the registered version when there is one (its files in the
 * version's run, once; its Markdown as the description; the card tag on it), else on the run.
 */
function attachmentOf(record: MlflowModelRecord, files: string[], markdown: string): CardAttachmentRequest {
  const version = record.registry?.version;
  if (version) return { registeredModelName: version.name, modelVersion: version.version, files, markdown };
  return { ...(record.run ? { runId: record.run.runId } : {}), files, markdown };
}

async function buildAndWrite(
  { flags, options, reporter }: CommandContext<FromMlflowFlags>,
  subject: string,
  read: (tracking: Awaited<ReturnType<typeof openExisting>>) => Promise<MlflowModelRecord>,
): Promise<void> {
  if (options.dryRun) {
    const plan = [
      `read ${subject} from ${plannedLocation(flags)}`,
      `write ${flags.outputName ?? `<model>_${MLFLOW_CARD_STEM}`}.{html,md,json} in ${options.outDir}`,
      ...(flags.attach ? ["log the card files to the run and put the card's Markdown in the version description"] : []),
    ];
    reporter.result({ dry_run: true, plan }, ['Dry run: nothing was read from or sent to MLflow, so no card was written; a real run would:', ...plan.map((line) => `  ${line}`)]);
    return;
  }
  const tracking = await openExisting(flags, reporter);
  try {
    const record = await read(tracking);
    const layers = cardFromMlflow(record, flags.lang);
    const card = await composeCard(layers.defaults, flags, layers.facts);
    const version = record.registry?.version;
    const htmlName = cardOutputName(flags, options.outDir, flags.name ?? (version ? `${version.name}-v${version.version}` : record.run?.runName), MLFLOW_CARD_STEM);
    const written = await writeCard({ card, outDir: options.outDir, htmlName, lang: flags.lang, extensions: layers.extensions, extras: layers.extras, inlineImages: flags.inlineImages === true });
    let attached: Record<string, unknown> | undefined;
    if (flags.attach) {
      const files = cardFileList(written.files);
      const result = await attachCardToMlflow(tracking.client, attachmentOf(record, files, renderDescription(written.card, { lang: flags.lang })));
      for (const line of result.lines) reporter.progress(line.charAt(0).toUpperCase() + line.slice(1));
      if (result.descriptionTruncated) reporter.warn("the card is longer than MLflow keeps in a description; the version's description ends with a pointer to the full card");
      attached = { lines: result.lines, run_artifacts: result.runArtifacts, version_artifacts: result.versionArtifacts ?? null };
    }
    reportCard(reporter, options, written.card, written.files, {
      mlflow: {
        tracking: tracking.target.location,
        run_id: record.run?.runId ?? null,
        registered_model: version ? { name: version.name, version: version.version, previous_version: record.registry?.previousVersion ?? null, changes: record.registry?.changes } : null,
        attached: attached ?? null,
      },
    });
  } finally {
    await tracking.client.close();
  }
}

function fromMlflowFlags(attach: string): FlagSpec[] {
  return [
    described(mlflowUri, 'the MLflow to read from'),
    timeout,
    { flags: '--attach', description: attach },
    ...CARD_FLAGS,
    outDir,
    dryRun('reads nothing from MLflow and writes no file either: prints what it would read and write'),
    json,
    quiet,
    verbose,
  ];
}

const FROM_MLFLOW_EXITS = { 1: 'MLflow did not answer or failed', 2: 'bad flags, a local store --mlflow-uri names does not exist, or the run, model or version does not exist' };

/** `card from-run` and `card from-model`: cards built from what MLflow holds. */
export function addCardFromMlflowCommands(card: Command): void {
  defineCommand<FromMlflowFlags>(
    card,
    {
      name: 'from-run <run-id>',
      description: 'Build a card from an MLflow run (params, metrics, tags, datasets, logged models, registry versions), merge --config and flags, and write it.',
      flags: fromMlflowFlags("log the card files to the run and, when the run's model is registered, put the card's Markdown in the version description"),
      examples: ['mlflow-mct card from-run 3f2a9c0e5b6d4e7f8a9b0c1d2e3f4a5b --mlflow-uri http://127.0.0.1:5000', 'mlflow-mct card from-run <run-id> --config card.yaml --lang es --attach'],
      exitCodes: FROM_MLFLOW_EXITS,
      environment: ENV.mlflow,
    },
    async (context, runId) => {
      await buildAndWrite(context, `run ${runId}`, (tracking) => readRunRecord(tracking.client, runId as string, tracking.target.location, context.flags.lang));
    },
  );

  defineCommand<FromMlflowFlags>(
    card,
    {
      name: 'from-model <uri>',
      description:
        'Build a card from a registered model version (models:/name/3, models:/name@champion, models:/name/Production) or a LoggedModel (models:/m-...), with what changed since the previous version.',
      flags: fromMlflowFlags("log the card files to the version's run and put the card's Markdown in the version description"),
      examples: ['mlflow-mct card from-model models:/gpt2-text-generator@champion --mlflow-uri http://127.0.0.1:5000', 'mlflow-mct card from-model models:/penguins-rf/3 --attach --json'],
      exitCodes: FROM_MLFLOW_EXITS,
      environment: ENV.mlflow,
    },
    async (context, uri) => {
      parseModelUri(uri as string);
      await buildAndWrite(context, uri as string, (tracking) => readModelRecord(tracking.client, uri as string, tracking.target.location, context.flags.lang));
    },
  );
}
