/**
 * `serve --workers N` through the built CLI: N processes answer on one port with the answers one
 * process gives, and SIGTERM stops them all after the requests in flight.
 */
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

const row = { island: 'Dream', bill_length_mm: 47.7, bill_depth_mm: 17.7, flipper_length_mm: 197, body_mass_g: 4042, sex: 'male', year: 2009 };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('serves from several worker processes on one port and stops them all on SIGTERM', { timeout: 120_000 }, async () => {
  const cwd = tempDir();
  const trained = runCli(['train-penguins', '--no-evaluate', '--quiet', '--out-dir', 'card'], { cwd, env: { MLFLOW_TRACKING_URI: '' } });
  expect(trained.code, trained.stderr).toBe(0);
  const experiment = readdirSync(join(cwd, 'mlruns')).find((entry) => /^\d+$/.test(entry) && entry !== '0')!;
  const models = join(cwd, 'mlruns', experiment, 'models');
  const modelDir = join(models, readdirSync(models)[0]!, 'artifacts');

  const server = spawn(process.execPath, [CLI, 'serve', '-m', modelDir, '--port', '0', '--workers', '2', '--json'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const document = await new Promise<{ url: string }>((resolve) => {
    let out = '';
    server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.trim().endsWith('}')) resolve(JSON.parse(out));
    });
  });
  const body = JSON.stringify({ dataframe_records: [row, { ...row, island: 'Biscoe', bill_depth_mm: 14.2 }] });
  const answers = await Promise.all(
    Array.from({ length: 16 }, () => fetch(`${document.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body }).then((answer) => answer.text())),
  );
  // Every worker answers what one process answers (predict prints the same document).
  writeFileSync(join(cwd, 'rows.json'), body);
  const single = runCli(['predict', '-m', modelDir, '-i', 'rows.json'], { cwd });
  expect(new Set(answers)).toEqual(new Set([single.stdout]));

  const workers = new Set([...stderr.matchAll(/\[worker (\d+)\] POST \/invocations 200/g)].map((match) => Number(match[1])));
  expect(workers.size).toBe(2);
  const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
  server.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(stderr).toContain('SIGTERM: stopping 2 workers');
  for (const pid of workers) expect(alive(pid)).toBe(false);
});
