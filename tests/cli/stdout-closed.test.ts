/** A reader that closes stdout early (`| head -1`) ends the command quietly: no EPIPE stack, exit 0. */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';

function runWithStdoutClosed(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    // The reader goes away before the command writes anything.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

it.each([
  [['inspect', 'tests/fixtures/pickle/rf-p4.pkl', '--json']],
  [['help', 'json']],
])('mlflow-mct %j with stdout closed exits quietly', async (args) => {
  const { code, stderr } = await runWithStdoutClosed(args);
  expect(stderr).not.toContain('EPIPE');
  expect(stderr).not.toContain('    at ');
  expect(code).toBe(0);
});
