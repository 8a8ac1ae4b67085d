import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MlflowClient } from '../../src/mlflow/client.js';
import { describeConfig, loadMlflowConfig } from '../../src/mlflow/config.js';
import {
  MlflowAuthError,
  MlflowConnectionError,
  MlflowEndpointError,
  MlflowTimeoutError,
} from '../../src/mlflow/errors.js';
import type { MctError } from '../../src/errors.js';
import type { AuthServer } from '../harness/auth-server.js';
import { startBasicAuthServer } from '../harness/auth-server.js';
import { describeWithServer, server, testClient, uniqueName } from '../harness/context.js';
import { FaultProxy } from '../harness/fault-proxy.js';
import { freePort } from '../harness/ports.js';

const FAST = { maxRetries: 2, backoffFactor: 0.01, backoffJitter: 0, backoffMax: 0.05, respectRetryAfter: true };

/** Everything an error could show: message, hint, stack, cause chain and fields. */
function everythingIn(error: unknown): string {
  return `${String(error)}\n${(error as Error).stack ?? ''}\n${inspect(error, { depth: 10, showHidden: true })}\n${JSON.stringify(error)}`;
}

async function caught(promise: Promise<unknown>): Promise<MctError> {
  try {
    await promise;
  } catch (error) {
    return error as MctError;
  }
  throw new Error('expected a failure');
}

/** A local web server that is not MLflow. */
async function notMlflow(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const web = http.createServer(handler);
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(web.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        web.closeAllConnections();
        web.close(() => resolve());
      }),
  };
}

describeWithServer('clear errors for what is not MLflow, or not allowed', () => {
  let auth: AuthServer;

  beforeAll(async () => {
    auth = await startBasicAuthServer();
  }, 240_000);

  afterAll(async () => {
    await auth?.stop();
  });

  it('a 401 challenge without credentials says which variables to set', async () => {
    const error = await caught(testClient({ url: auth.info.url }).getExperiment('0'));
    expect(error).toBeInstanceOf(MlflowAuthError);
    expect(error).toMatchObject({ httpStatus: 401, exitCode: 1 });
    expect(error.oneLine).toMatch(/requires authentication \(HTTP 401\) — set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN/);
  });

  it('works with the credentials from the environment, and a wrong password never shows up anywhere', async () => {
    const env = { MLFLOW_TRACKING_URI: auth.info.url, MLFLOW_TRACKING_USERNAME: auth.username, MLFLOW_TRACKING_PASSWORD: auth.password };
    const config = { ...loadMlflowConfig({}, { env, credentialsFile: '/nonexistent' }), retry: FAST };
    const good = MlflowClient.fromConfig(config);
    const id = await good.createExperiment(uniqueName('auth-exp'));
    expect((await good.getExperiment(id)).experimentId).toBe(id);
    expect(JSON.stringify(describeConfig(config))).not.toContain(auth.password);

    const wrongPassword = 'wrong-secret-7f3a9c';
    const bad = MlflowClient.fromConfig({ ...config, credentials: { kind: 'basic', username: 'admin', password: wrongPassword } });
    const error = await caught(bad.getExperiment(id));
    expect(error).toBeInstanceOf(MlflowAuthError);
    expect(error.oneLine).toMatch(/rejected the credentials/);
    const shown = everythingIn(error);
    expect(shown).not.toContain(wrongPassword);
    expect(shown).not.toContain(Buffer.from(`admin:${wrongPassword}`).toString('base64'));

    // Credentials in the URI are used, and hidden from every message.
    const inUri = loadMlflowConfig({ mlflowUri: auth.info.url.replace('http://', `http://admin:${wrongPassword}@`) }, { env: {}, credentialsFile: '/nonexistent' });
    expect(inUri.trackingUri).not.toContain(wrongPassword);
    expect(JSON.stringify(describeConfig(inUri))).not.toContain(wrongPassword);
    const uriError = await caught(MlflowClient.fromConfig({ ...inUri, retry: FAST }).getExperiment('0'));
    expect(uriError).toBeInstanceOf(MlflowAuthError);
    expect(everythingIn(uriError)).not.toContain(wrongPassword);
  }, 90_000);

  it('a 403 from missing permission names the operation', async () => {
    const admin = testClient({ url: auth.info.url, credentials: { kind: 'basic', username: auth.username, password: auth.password } });
    const experimentId = await admin.createExperiment(uniqueName('admin-only'));
    const username = uniqueName('reader');
    const response = await fetch(`${auth.info.url}/api/2.0/mlflow/users/create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`admin:${auth.password}`).toString('base64')}` },
      body: JSON.stringify({ username, password: 'reader-password-123' }),
    });
    expect(response.status).toBe(200);
    const reader = testClient({ url: auth.info.url, credentials: { kind: 'basic', username, password: 'reader-password-123' } });
    expect((await reader.getExperiment(experimentId)).experimentId).toBe(experimentId);
    const error = await caught(reader.deleteExperiment(experimentId));
    expect(error).toBeInstanceOf(MlflowAuthError);
    expect(error).toMatchObject({ httpStatus: 403 });
    expect(error.oneLine).toMatch(/denied POST \/api\/2\.0\/mlflow\/experiments\/delete/);
  }, 90_000);

  it('a tracking URI with a wrong path gives one sentence about the URI, not an HTML page', async () => {
    const error = await caught(testClient({ url: `${server().url}/mlflow/ui`, retry: FAST }).getExperiment('0'));
    expect(error).toBeInstanceOf(MlflowEndpointError);
    expect(error).toMatchObject({ reason: 'not-mlflow', httpStatus: 404 });
    expect(error.oneLine).not.toContain('\n');
    expect(error.oneLine).not.toMatch(/<html|<title/i);
    expect(error.oneLine).toMatch(/\/mlflow\/ui has no MLflow REST API at \/api\/2\.0\/mlflow\/experiments\/get .* check that MLFLOW_TRACKING_URI/);
  });

  it('a web server that is not MLflow, or that redirects, is named as such', async () => {
    const page = await notMlflow((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><html><body>Welcome</body></html>');
    });
    const redirect = await notMlflow((_request, response) => {
      response.writeHead(301, { Location: 'https://mlflow.example.org/' }).end();
    });
    try {
      const error = await caught(testClient({ url: page.url, retry: FAST }).getExperiment('0'));
      expect(error).toBeInstanceOf(MlflowEndpointError);
      expect(error.oneLine).toMatch(/answered GET \/api\/2\.0\/mlflow\/experiments\/get with an HTML page, not MLflow's REST API/);
      const moved = await caught(testClient({ url: redirect.url, retry: FAST }).getExperiment('0'));
      expect(moved.oneLine).toMatch(/redirected GET .* to https:\/\/mlflow\.example\.org\/ — set MLFLOW_TRACKING_URI/);
    } finally {
      await page.close();
      await redirect.close();
    }
  });

  it('the host check of MLflow >= 3.5 says to use --allowed-hosts', async () => {
    const proxy = await FaultProxy.start(server().url);
    try {
      proxy.inject({ fault: { kind: 'rewrite-host', host: 'mlflow.internal:5000' } });
      const attempt = testClient({ url: proxy.url, retry: FAST }).getExperiment('0');
      const [major = 0, minor = 0] = server().version.split('.').map(Number);
      if (major < 3 || (major === 3 && minor < 5)) {
        // Older servers have no host check: the request goes through.
        expect((await attempt).experimentId).toBe('0');
        return;
      }
      const error = await caught(attempt);
      expect(error).toBeInstanceOf(MlflowEndpointError);
      expect(error).toMatchObject({ reason: 'host-rejected', httpStatus: 403 });
      expect(error.oneLine).toMatch(/refused the Host header .* --allowed-hosts/);
    } finally {
      await proxy.close();
    }
  });

  it('nothing listening on this machine: connection refused after two quick retries, saying to start the server', async () => {
    const port = await freePort();
    const waits: number[] = [];
    const patient = { ...FAST, maxRetries: 9, backoffFactor: 60 };
    const error = await caught(testClient({ url: `http://127.0.0.1:${port}`, retry: patient }, { onRetry: (event) => waits.push(event.delayMs) }).getExperiment('0'));
    expect(error).toBeInstanceOf(MlflowConnectionError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', attempts: 3 });
    expect(error.oneLine).toMatch(
      new RegExp(`cannot connect to MLflow at http://127\\.0\\.0\\.1:${port}: connection refused \\(3 attempts\\) — nothing listens there: start it \\(\`mlflow server --port ${port}\`\\)`),
    );
    // Not MLflow's minutes of back-off: a loopback refusal waits at most a second between tries.
    expect(waits).toHaveLength(2);
    for (const wait of waits) expect(wait).toBeLessThanOrEqual(1000);
  });

  it('https:// against a plain-HTTP server points at the scheme', async () => {
    const url = server().url.replace('http://', 'https://');
    // uvicorn answers the TLS hello with an HTTP error; gunicorn (MLflow 2) waits for a request line.
    const error = await caught(testClient({ url, retry: FAST, timeoutMs: 1500 }).getExperiment('0'));
    expect(error).toBeInstanceOf(MlflowConnectionError);
    expect(error.oneLine).toMatch(/scheme/);
  });

  it('a server slower than the timeout ends in a timeout error within the retry budget', async () => {
    const proxy = await FaultProxy.start(server().url);
    try {
      proxy.inject({ fault: { kind: 'delay', ms: 1500 }, match: ({ path }) => path.includes('experiments/get') });
      const waits: number[] = [];
      const error = await caught(
        testClient({ url: proxy.url, retry: { ...FAST, maxRetries: 1 }, timeoutMs: 300 }, { onRetry: (event) => waits.push(event.delayMs) }).getExperiment('0'),
      );
      expect(error).toBeInstanceOf(MlflowTimeoutError);
      expect(error).toMatchObject({ attempts: 2 });
      expect(error.oneLine).toMatch(/did not answer GET \/api\/2\.0\/mlflow\/experiments\/get within 0\.3 s \(2 attempts\) — .*MLFLOW_HTTP_REQUEST_TIMEOUT/);
      expect(waits).toEqual([0]);
      expect(proxy.count('experiments/get')).toBe(2);
    } finally {
      await proxy.close();
    }
  });
});
