/**
 * What has been pushed from a local store, per target server: the local → remote id of every
 * experiment, run, LoggedModel and model version, and how far each run got (metric points per
 * key, artifact files), so an interrupted push resumes where it stopped and a finished one is
 * not sent again.
 *
 * It is a JSON file at the store root (`.mlflow-mct-push-ledger.json`): a file, because MLflow
 * takes every directory there for an experiment. Updates re-read the file under the store lock
 * and write it atomically, so a killed push loses at most the step it was in, which the server
 * side markers (`mlflow-mct.source_*` tags) recover.
 */
import { join } from 'node:path';
import { redactUri } from '../config.js';
import type { FileStore } from '../file-store/index.js';
import { readText } from '../file-store/read.js';
import { FileStoreError } from '../file-store/errors.js';

const LEDGER_FILE = '.mlflow-mct-push-ledger.json';

export interface RunEntry {
  remoteRunId: string;
  /** Points sent per metric key, in the order of the local history. */
  metricsSent: Record<string, number>;
  /** Run artifact files sent, in sorted path order. */
  artifactsSent: number;
  /** The run had ended locally and everything was sent. */
  done: boolean;
}

export interface ModelEntry {
  /** The LoggedModel on an MLflow 3 server; empty on MLflow 2, which has none. */
  remoteModelId: string;
  /** MLflow 2: where the model's files went among its run's artifacts. */
  remoteArtifactUri?: string;
  done: boolean;
}

export interface TargetLedger {
  experiments: Record<string, string>;
  runs: Record<string, RunEntry>;
  models: Record<string, ModelEntry>;
  /** `name/version` → remote version, once its tags and stage are set. */
  versions: Record<string, string>;
  /**
   * Runs a command started on this server, which became unreachable part-way; the command then
   * recorded the whole run locally. Push marks them FAILED: the local copy is the complete one.
   */
  incompleteRuns?: string[];
}

interface LedgerFile {
  version: 1;
  targets: Record<string, TargetLedger>;
}

function emptyTarget(): TargetLedger {
  return { experiments: {}, runs: {}, models: {}, versions: {} };
}

/** How a server is named in the ledger: its URI without credentials or a trailing slash. */
export function ledgerTargetKey(uri: string): string {
  return redactUri(uri).replace(/\/+$/, '');
}

export class PushLedger {
  private readonly path: string;
  /** The target server, as `ledgerTargetKey` names it. */
  readonly target: string;

  constructor(
    private readonly store: FileStore,
    targetUri: string,
  ) {
    this.target = ledgerTargetKey(targetUri);
    this.path = join(store.root, LEDGER_FILE);
  }

  private async readFile(): Promise<LedgerFile> {
    const text = await readText(this.path);
    if (text === undefined) return { version: 1, targets: {} };
    try {
      const parsed = JSON.parse(text) as LedgerFile;
      if (parsed.version !== 1 || typeof parsed.targets !== 'object') throw new Error('unknown format');
      return parsed;
    } catch (error) {
      throw new FileStoreError(`the push ledger ${this.path} cannot be read: ${(error as Error).message}`, {
        path: this.path,
        cause: error,
        hint: 'delete it: the next push finds what the server already has by its mlflow-mct.source_* tags',
      });
    }
  }

  /** This target's entries as they are now. */
  async load(): Promise<TargetLedger> {
    await this.store.ensureReady();
    return (await this.readFile()).targets[this.target] ?? emptyTarget();
  }

  /** Applies `change` to the latest ledger and saves it. */
  async update(change: (ledger: TargetLedger) => void): Promise<void> {
    await this.store.lock.run(async () => {
      const file = await this.readFile();
      const ledger = file.targets[this.target] ?? emptyTarget();
      change(ledger);
      file.targets[this.target] = ledger;
      await this.store.disk.write(this.path, `${JSON.stringify(file, null, 1)}\n`);
    });
  }
}
