import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureMlflowVenv, findPython, MLFLOW_PINS } from '../harness/python-env.js';
import { runCliAsync } from '../helpers/cli-async.js';
import { tempDir } from '../helpers/cli.js';
import { adversarialOfKind, adversarialPath } from './adversarial.js';

/**
 * Proof that every malicious fixture is real: loaded by Python the way its users load it (pickle,
 * joblib, numpy, a PyTorch-style unpickler), in a throw-away process in a fresh directory, it
 * creates its canary file; and mlflow-mct, run on the same file in another fresh directory, never
 * does. Python is the harness's MLflow environment (which brings numpy, scikit-learn and joblib).
 */

const run = promisify(execFile);
const LOADER = fileURLToPath(new URL('./canary_load.py', import.meta.url));
let python: string | undefined;
let skipReason = '';

beforeAll(async () => {
  const found = await findPython();
  if ('missing' in found) {
    if (process.env.CI === 'true') throw new Error(`the canary proof needs Python: ${found.missing}`);
    skipReason = found.missing;
    return;
  }
  const venv = await ensureMlflowVenv(found, MLFLOW_PINS['3'], (line) => process.stderr.write(`[canary] ${line}\n`));
  python = join(venv, 'bin', 'python');
}, 20 * 60_000);

describe('canary proof of the malicious corpus', () => {
  // Concurrent: each case waits on child processes, not on this thread.
  it.concurrent.each(adversarialOfKind('malicious'))('$file runs code when loaded with $loader, and never under mlflow-mct', async (entry) => {
    const marker = entry.marker as string;
    if (python) {
      const loaded = tempDir('mct-canary-load-');
      copyFileSync(adversarialPath(entry.file), join(loaded, entry.file));
      const stderr = await run(python, [LOADER, entry.loader as string, entry.file, ...(entry.member ? [entry.member] : [])], {
        cwd: loaded,
        env: { ...process.env, MCT_CANARY_DIR: loaded },
        timeout: 120_000,
      }).then(
        (result) => result.stderr,
        (error: { stderr?: string }) => error.stderr ?? String(error),
      );
      expect(existsSync(join(loaded, marker)), `${entry.file}: ${stderr}`).toBe(true);
    } else {
      console.warn(`canary load skipped (${skipReason}); mlflow-mct is still checked`);
    }

    const inspected = tempDir('mct-canary-inspect-');
    const env = { MCT_CANARY_DIR: inspected };
    const [inspect, card] = await Promise.all([
      runCliAsync(['inspect', adversarialPath(entry.file), '--strict'], { cwd: inspected, env }),
      runCliAsync(['legacy-card', '--pkl', adversarialPath(entry.file), '--strict', '--out-dir', inspected], { cwd: inspected, env }),
    ]);
    expect(inspect.code, inspect.stderr).not.toBe(0);
    expect(card.code, card.stderr).not.toBe(0);
    expect(readdirSync(inspected).filter((name) => name.startsWith('canary-'))).toEqual([]);
  }, 180_000);
});
