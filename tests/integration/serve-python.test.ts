/**
 * `mlflow-mct serve` against `mlflow models serve --env-manager local` on the same registered
 * model: one shared request set (tests/fixtures/scoring/requests.json) goes to both. Every request
 * Python's server answers gets the same predictions from ours; every one it refuses gets the same
 * status and error code, except the forms ours accepts beyond Python's (marked `beyond_python`,
 * listed in the README), which ours answers like their supported equivalent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServer, scratchDir, server, uniqueName } from '../harness/context.js';
import { freePort } from '../harness/ports.js';
import { modelsEnv, modelsPython } from '../harness/python-models.js';
import { modelsVenvBin } from '../harness/python-env.js';
import { CLI } from '../helpers/cli.js';
import { runCliAsync } from '../helpers/cli-async.js';

interface FixtureRequest {
  name: string;
  content_type: string | null;
  body: string;
  beyond_python?: boolean;
}

const FIXTURE: FixtureRequest[] = JSON.parse(readFileSync(new URL('../fixtures/scoring/requests.json', import.meta.url), 'utf8'));

interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
}

function send(base: string, fixture: FixtureRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-length': String(Buffer.byteLength(fixture.body)) };
    if (fixture.content_type !== null) headers['content-type'] = fixture.content_type;
    const req = httpRequest(`${base}/invocations`, { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end(fixture.body);
  });
}

async function waitForPing(base: string, child: ChildProcess, what: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await fetch(`${base}/ping`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((wake) => setTimeout(wake, 250));
  }
}

/** Labels exactly, probabilities within 1e-6 (onnxruntime adds the trees in a thread-dependent order). */
function expectSamePredictions(ours: any, python: any): void {
  expect(Object.keys(ours.predictions)).toEqual(Object.keys(python.predictions));
  expect(ours.predictions.label).toEqual(python.predictions.label);
  ours.predictions.probabilities.forEach((row: number[], r: number) =>
    row.forEach((p, k) => expect(Math.abs(p - python.predictions.probabilities[r][k])).toBeLessThan(1e-6)),
  );
}

const errorCode = (answer: Answer): string | undefined => (answer.contentType === 'application/json' ? JSON.parse(answer.body).error_code : undefined);

describeWithServer('mlflow-mct serve next to mlflow models serve', () => {
  const name = uniqueName('penguins-serve');
  const children: ChildProcess[] = [];
  let python: string;
  let ours: string;

  beforeAll(async () => {
    await modelsPython();
    const cwd = await scratchDir('serve');
    const trained = await runCliAsync(['train-penguins', '--json', '--mlflow-uri', server().url, '--mlflow-reg-name', name, '--mlflow-alias', 'champion', '--no-evaluate'], { cwd });
    expect(trained.code).toBe(0);
    const uri = `models:/${name}@champion`;

    const port = await freePort();
    python = `http://127.0.0.1:${port}`;
    const pythonServer = spawn(modelsVenvBin(server().version, 'mlflow'), ['models', 'serve', '-m', uri, '--env-manager', 'local', '-h', '127.0.0.1', '-p', String(port)], {
      cwd,
      env: modelsEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let pythonLog = '';
    pythonServer.stderr!.setEncoding('utf8').on('data', (chunk: string) => (pythonLog = (pythonLog + chunk).slice(-4000)));
    pythonServer.on('exit', (code) => code && process.stderr.write(`mlflow models serve exited with ${code}:\n${pythonLog}\n`));
    children.push(pythonServer);
    const node = spawn(process.execPath, [CLI, 'serve', '-m', uri, '--mlflow-uri', server().url, '--port', '0', '--json'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(node);
    const document = await new Promise<string>((resolve) => {
      let out = '';
      node.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (out.trim().endsWith('}')) resolve(out);
      });
    });
    ours = JSON.parse(document).url;
    await Promise.all([waitForPing(python, pythonServer, 'mlflow models serve'), waitForPing(ours, node, 'mlflow-mct serve')]);
  }, 1_200_000);

  afterAll(() => {
    for (const child of children) {
      try {
        process.kill(child === children[0] ? -child.pid! : child.pid!, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  });

  it.each(FIXTURE.map((fixture) => [fixture.name, fixture] as const))('%s', async (_name, fixture) => {
    const [fromPython, fromOurs] = await Promise.all([send(python, fixture), send(ours, fixture)]);
    if (fixture.beyond_python) {
      expect(fromPython.status).not.toBe(200);
      expect(fromOurs.status).toBe(200);
      const equivalent = await send(python, FIXTURE[0]!);
      expectSamePredictions(JSON.parse(fromOurs.body), JSON.parse(equivalent.body));
      return;
    }
    expect({ status: fromOurs.status, code: errorCode(fromOurs) }).toEqual({ status: fromPython.status, code: errorCode(fromPython) });
    if (fromPython.status === 200) expectSamePredictions(JSON.parse(fromOurs.body), JSON.parse(fromPython.body));
  });

  it('answers /ping, /health and unknown routes as MLflow does', async () => {
    for (const path of ['/ping', '/health', '/nowhere']) {
      const [a, b] = await Promise.all([fetch(python + path), fetch(ours + path)]);
      expect([b.status, await b.text()]).toEqual([a.status, await a.text()]);
    }
  });
});
