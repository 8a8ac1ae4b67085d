import { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { InputError, RuntimeFailure, UsageError } from '../errors.js';
import { createStore } from '../mlflow/create-store.js';
import { DEFAULT_LOCAL_STORE, FileStore, isLocalStoreUri, localPathOf } from '../mlflow/file-store/index.js';
import { RestStore } from '../mlflow/rest/index.js';
import { ledgerTargetKey, pushLocalStore, type PushProgress, type PushSummary } from '../mlflow/push/index.js';
import { defineCommand } from './define.js';
import { ENV } from './environment.js';
import { described, dryRun, json, mlflowUri, quiet, timeout, verbose } from './flags.js';
import { mlflowConfigOf, retryLine } from './mlflow-options.js';

interface PushFlags {
  from?: string;
  mlflowUri?: string;
  timeout?: number;
}

/** A counter on stderr: rewritten in place on a terminal, one line per finished item otherwise. */
function progressPrinter(quiet: boolean): { update: (progress: PushProgress) => void; end: () => void } {
  if (quiet) return { update: () => undefined, end: () => undefined };
  const terminal = Boolean(process.stderr.isTTY);
  let lastDone = -1;
  let shown = false;
  const line = (progress: PushProgress) => {
    const points = progress.metricPointsTotal > 0 ? ` · ${progress.metricPointsSent}/${progress.metricPointsTotal} metric points` : '';
    return `push: ${progress.done}/${progress.total} items${points}${progress.current ? ` · ${progress.current}` : ''}`;
  };
  return {
    update(progress) {
      if (terminal) {
        process.stderr.write(`\r\u001b[2K${line(progress).slice(0, (process.stderr.columns || 100) - 1)}`);
        shown = true;
      } else if (progress.done !== lastDone) {
        lastDone = progress.done;
        process.stderr.write(`${line(progress)}\n`);
      }
    },
    end() {
      if (terminal && shown) process.stderr.write('\n');
    },
  };
}

function humanSummary(summary: PushSummary, source: string): string[] {
  if (summary.dryRun) {
    if (summary.plan.length === 0) return [`Nothing to push from ${source} to ${summary.target}: everything is there.`];
    return [
      `Would push from ${source} to ${summary.target}:`,
      ...summary.plan.map((item) => {
        const counts = [
          item.metricPoints !== undefined ? `${item.metricPoints} metric points` : undefined,
          item.artifacts !== undefined ? `${item.artifacts} artifact files` : undefined,
        ].filter(Boolean);
        return `  ${item.action} ${item.kind} ${item.name} (${item.id})${counts.length ? `: ${counts.join(', ')}` : ''}`;
      }),
    ];
  }
  const lines = [
    `Pushed ${summary.runsPushed} run(s), ${summary.metricPoints} metric points, ${summary.artifacts} artifact files, ` +
      `${summary.loggedModels} logged model(s), ${summary.modelVersions} model version(s) from ${source} to ${summary.target}` +
      (summary.runsUpToDate > 0 ? `; ${summary.runsUpToDate} run(s) were already there` : ''),
  ];
  if (summary.runsStillRunning.length > 0) {
    lines.push(`${summary.runsStillRunning.length} run(s) are still RUNNING locally; push again when they end to send the rest`);
  }
  return lines;
}

export function registerPush(program: Command): void {
  defineCommand<PushFlags>(
    program,
    {
      name: 'push',
      description: 'Send the runs, models and registry entries of a local store (./mlruns) to an MLflow tracking server; safe to repeat and to resume.',
      flags: [
        { flags: '--from <dir>', description: 'the local store to read (a directory or file: URI)', default: `./${DEFAULT_LOCAL_STORE}`, completes: 'directory' },
        described(mlflowUri, 'the MLflow tracking server to send to', { defaultText: 'MLFLOW_TRACKING_URI', formerly: ['--to'] }),
        timeout,
        dryRun('only asks the server what it already holds, and prints what would be sent; writes no file'),
        json,
        quiet,
        verbose,
      ],
      examples: [
        'mlflow-mct push --mlflow-uri http://mlflow.internal:5000',
        'MLFLOW_TRACKING_URI=https://mlflow.example.com mlflow-mct push --from ./mlruns',
        'mlflow-mct push --mlflow-uri http://127.0.0.1:5000 --dry-run',
      ],
      exitCodes: { 1: 'the push stopped (what was sent is recorded; run it again to resume)', 2: 'bad flags, no local store at --from, or no server to push to' },
      environment: ENV.mlflow,
    },
    async ({ flags: raw, options, reporter }) => {
      const from = localPathOf(raw.from ?? DEFAULT_LOCAL_STORE);
      const info = await stat(from).catch(() => undefined);
      if (!info?.isDirectory()) {
        throw new InputError(`there is no local store at ${from}`, { hint: 'pass --from <dir> with the mlruns directory the runs were recorded in' });
      }
      const config = mlflowConfigOf({ mlflowUri: raw.mlflowUri, timeout: raw.timeout });
      if (config.trackingUri === undefined) {
        throw new UsageError('push needs a tracking server', { hint: 'pass --mlflow-uri http://host:5000 or set MLFLOW_TRACKING_URI' });
      }
      if (isLocalStoreUri(config.trackingUri)) {
        throw new UsageError(`push sends to a tracking server, not to a local store (${config.trackingUri})`, {
          hint: 'pass --mlflow-uri http://host:5000 or set MLFLOW_TRACKING_URI to a server',
        });
      }
      const targetUri = ledgerTargetKey(config.trackingUri);
      const source = new FileStore(from);
      const target = createStore(config, { onRetry: (event) => reporter.progress(retryLine(event)) });
      const progress = progressPrinter(options.json || options.quiet || options.dryRun);
      const started = Date.now();
      try {
        const summary = await pushLocalStore({ source, target, targetUri, dryRun: options.dryRun, onProgress: progress.update });
        progress.end();
        const requests = target instanceof RestStore ? target.http.stats.requests : undefined;
        reporter.debug(`push took ${Date.now() - started} ms${requests === undefined ? '' : ` and ${requests} HTTP requests`}`);
        reporter.result({ from, ...summary, ...(requests === undefined ? {} : { requests }) }, humanSummary(summary, from));
      } catch (error) {
        progress.end();
        const reason = error instanceof Error ? error.message : String(error);
        throw new RuntimeFailure(`push to ${targetUri} stopped: ${reason}`, {
          hint: 'what was sent is recorded in the store; run the same push again to resume',
          cause: error,
        });
      } finally {
        await target.close();
      }
    },
  );
}
