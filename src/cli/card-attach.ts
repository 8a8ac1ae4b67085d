import { RuntimeFailure } from '../errors.js';
import { attachCardToMlflow, planCardAttachment, type CardAttachmentRequest } from '../mlflow/attach-card.js';
import { cardFileList, type CardFiles } from '../card/write.js';
import { described, dryRun, json, mlflowRegName, mlflowRegVersion, mlflowRunId, mlflowUri, outDir, quiet, timeout, verbose, type FlagSpec } from './flags.js';
import type { GlobalOptions, Reporter } from './output.js';
import { openTracking, type MlflowOptionValues } from './mlflow-options.js';

/** Flags that attach a written card to an existing MLflow run or registered model version. */
const ATTACH_FLAGS: readonly FlagSpec[] = [
  described(mlflowUri, 'the MLflow holding the run or model'),
  timeout,
  described(mlflowRunId, 'log the card files as artifacts of this MLflow run'),
  described(mlflowRegName, "put the card on a version of this registered model (Markdown as the version's description, files as artifacts)"),
  mlflowRegVersion,
];

/** The flags after a card command's own: card content, attachment, output. */
export function cardCommandFlags(cardFlags: readonly FlagSpec[]): FlagSpec[] {
  return [...cardFlags, ...ATTACH_FLAGS, outDir, dryRun('the card files are still written in --out-dir, and what would be attached is printed'), json, quiet, verbose];
}

export interface AttachOptionValues extends MlflowOptionValues {
  mlflowRunId?: string;
  mlflowRegName?: string;
  mlflowRegVersion?: number;
}

function requestOf(flags: AttachOptionValues, files: CardFiles, markdown: string): CardAttachmentRequest | undefined {
  if (flags.mlflowRunId === undefined && flags.mlflowRegName === undefined && flags.mlflowRegVersion === undefined) return undefined;
  return {
    runId: flags.mlflowRunId,
    registeredModelName: flags.mlflowRegName,
    modelVersion: flags.mlflowRegVersion,
    files: cardFileList(files),
    markdown,
  };
}

/** Checks the attach flags before anything is written, so a bad combination loses nothing. */
export function checkAttachOptions(flags: AttachOptionValues): void {
  const request = requestOf(flags, { html: 'card.html' }, '');
  if (request) planCardAttachment(request);
}

/**
 * Attaches the card when the flags ask for it: with --dry-run only the plan is returned. An
 * attachment goes to an existing run or version, so a server that does not answer is an error
 * here, never a fallback to the local store.
 */
export async function attachCard(
  flags: AttachOptionValues,
  options: GlobalOptions,
  reporter: Reporter,
  files: CardFiles,
  markdown: string,
): Promise<{ planned: string[]; done: boolean } | undefined> {
  const request = requestOf(flags, files, markdown);
  if (!request) return undefined;
  const plan = planCardAttachment(request);
  if (options.dryRun) {
    for (const line of plan.lines) reporter.progress(`dry run: would ${line}`);
    return { planned: plan.lines, done: false };
  }
  const tracking = await openTracking(flags, reporter);
  try {
    if (tracking.target.fallback) {
      throw new RuntimeFailure(`MLflow at ${tracking.target.fallback.server} did not answer (${tracking.target.fallback.reason}); the card was written but not attached`, {
        hint: 'check the server and run the command again',
      });
    }
    const result = await attachCardToMlflow(tracking.client, request);
    for (const line of result.lines) reporter.progress(line.charAt(0).toUpperCase() + line.slice(1));
    if (result.descriptionTruncated) reporter.warn("the card is longer than MLflow keeps in a description; the version's description ends with a pointer to the full card");
    return { planned: plan.lines, done: true };
  } finally {
    await tracking.client.close();
  }
}
