/**
 * A reader that closes the pipe early (`| head -1`, `2>&1 | head -3`) ends the command quietly:
 * no EPIPE stack, the command's own exit code. With stderr gone the work still finishes.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FileStore } from '../../src/mlflow/file-store/index.js';
import { writeExampleRun } from '../filestore/example-run.js';
import { CLI, tempDir } from '../helpers/cli.js';

function runWithClosed(args: readonly string[], closed: { stdout?: boolean; stderr?: boolean }, cwd?: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    // The reader goes away before the command writes anything.
    if (closed.stdout) child.stdout.destroy();
    if (closed.stderr) child.stderr.destroy();
    let stderr = '';
    if (!closed.stderr) child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

it.each([
  [['inspect', 'tests/fixtures/pickle/rf-p4.pkl', '--json']],
  [['help', 'json']],
])('mlflow-mct %j with stdout closed exits quietly', async (args) => {
  const { code, stderr } = await runWithClosed(args, { stdout: true });
  expect(stderr).not.toContain('EPIPE');
  expect(stderr).not.toContain('    at ');
  expect(code).toBe(0);
});

it('models show with stdout closed (models show ... | head -1) exits quietly', async () => {
  const store = new FileStore(join(tempDir(), 'mlruns'));
  await writeExampleRun(store, { experimentName: 'closed-stdout', registeredModel: 'penguins-rf' });
  const { code, stderr } = await runWithClosed(['models', 'show', 'models:/penguins-rf/1', '--mlflow-uri', store.root], { stdout: true });
  expect(stderr).not.toContain('EPIPE');
  expect(stderr).not.toContain('    at ');
  expect(code).toBe(0);
});

it('train-penguins with stdout and stderr closed (2>&1 | head -3) finishes its work and exits 0', async () => {
  const cwd = tempDir();
  const { code } = await runWithClosed(['train-penguins', '--dry-run', '--cv-folds', '2', '--cv-repeats', '1'], { stdout: true, stderr: true }, cwd);
  expect(code).toBe(0);
  expect(existsSync(join(cwd, 'penguin_model_card.html'))).toBe(true);
});

it('train-penguins with only stderr closed still prints its result and exits 0', async () => {
  const cwd = tempDir();
  const child = spawn(process.execPath, [CLI, 'train-penguins', '--dry-run', '--json', '--cv-folds', '2', '--cv-repeats', '1'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.destroy();
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toMatchObject({ command: 'train-penguins' });
});
