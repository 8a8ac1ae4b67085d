import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeConfig, loadMlflowConfig, redactUri } from '../../src/mlflow/config.js';
import { createStore } from '../../src/mlflow/create-store.js';
import { MlflowConfigError, MlflowUnsupportedStoreError } from '../../src/mlflow/errors.js';
import { RestStore } from '../../src/mlflow/rest/index.js';

const NO_FILE = { credentialsFile: '/nonexistent/credentials' };

function load(env: Record<string, string>, flags: Parameters<typeof loadMlflowConfig>[0] = {}) {
  return loadMlflowConfig(flags, { env, ...NO_FILE });
}

describe('configuration from the Python client environment variables', () => {
  it('reads the tracking URI, experiment, retries and timeout, with MLflow defaults', () => {
    const defaults = load({});
    expect(defaults).toMatchObject({
      trackingUri: undefined,
      experimentName: undefined,
      credentials: { kind: 'none' },
      timeoutMs: 120_000,
      retry: { maxRetries: 7, backoffFactor: 2, backoffJitter: 1, respectRetryAfter: true },
      tls: { insecure: false, caCertPath: undefined },
    });
    const config = load({
      MLFLOW_TRACKING_URI: 'https://mlflow.example.org/team',
      MLFLOW_EXPERIMENT_NAME: 'pingüinos',
      MLFLOW_EXPERIMENT_ID: '12',
      MLFLOW_HTTP_REQUEST_MAX_RETRIES: '3',
      MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0.5',
      MLFLOW_HTTP_REQUEST_TIMEOUT: '30',
      MLFLOW_HTTP_RESPECT_RETRY_AFTER_HEADER: 'false',
      MLFLOW_TRACKING_INSECURE_TLS: 'TRUE',
      MLFLOW_WORKSPACE: 'team-a',
    });
    expect(config).toMatchObject({
      trackingUri: 'https://mlflow.example.org/team',
      experimentName: 'pingüinos',
      experimentId: '12',
      timeoutMs: 30_000,
      retry: { maxRetries: 3, backoffFactor: 0.5, respectRetryAfter: false },
      tls: { insecure: true },
      workspace: 'team-a',
    });
  });

  it('lets --mlflow-uri and --mlflow-experiment override the environment', () => {
    const config = load(
      { MLFLOW_TRACKING_URI: 'http://env:5000', MLFLOW_EXPERIMENT_NAME: 'env-exp', MLFLOW_EXPERIMENT_ID: '7' },
      { mlflowUri: 'http://flag:5000', mlflowExperiment: 'flag-exp' },
    );
    expect(config).toMatchObject({ trackingUri: 'http://flag:5000', experimentName: 'flag-exp', experimentId: undefined });
  });

  it('reads the seed scripts\' MLFLOW_EXPERIMENT and MODEL_VERSION; --timeout caps the wait and the attempt', () => {
    expect(load({ MLFLOW_EXPERIMENT: 'legacy', MODEL_VERSION: '1.2.3' })).toMatchObject({ experimentName: 'legacy', modelVersion: '1.2.3' });
    expect(load({ MLFLOW_EXPERIMENT: 'legacy', MLFLOW_EXPERIMENT_NAME: 'new' }).experimentName).toBe('new');
    expect(load({}, { timeoutSeconds: 5 })).toMatchObject({ timeoutMs: 5000, deadlineMs: 5000 });
    expect(load({ MLFLOW_HTTP_REQUEST_TIMEOUT: '2' }, { timeoutSeconds: 30 })).toMatchObject({ timeoutMs: 2000, deadlineMs: 30_000 });
    expect(load({}).deadlineMs).toBeUndefined();
    expect(() => load({}, { timeoutSeconds: 0 })).toThrow(MlflowConfigError);
  });

  it('uses basic auth over a token when both are set, as MLflow does, and never shows either', () => {
    const both = load({ MLFLOW_TRACKING_USERNAME: 'ana', MLFLOW_TRACKING_PASSWORD: 's3cret-pw', MLFLOW_TRACKING_TOKEN: 'tok-123456' });
    expect(both.credentials).toEqual({ kind: 'basic', username: 'ana', password: 's3cret-pw' });
    const token = load({ MLFLOW_TRACKING_TOKEN: 'tok-123456', MLFLOW_TRACKING_USERNAME: 'only-user' });
    expect(token.credentials).toEqual({ kind: 'bearer', token: 'tok-123456' });
    const shown = JSON.stringify([describeConfig(both), describeConfig(token)]);
    expect(shown).not.toContain('s3cret-pw');
    expect(shown).not.toContain('tok-123456');
    expect(shown).toContain('bearer token (hidden)');
  });

  it('takes credentials from ~/.mlflow/credentials, below the environment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mct-creds-'));
    const file = join(dir, 'credentials');
    await writeFile(file, '[other]\nmlflow_tracking_username = no\n[mlflow]\nmlflow_tracking_username = filer\nmlflow_tracking_password = from-file\n');
    expect(loadMlflowConfig({}, { env: {}, credentialsFile: file }).credentials).toEqual({ kind: 'basic', username: 'filer', password: 'from-file' });
    expect(loadMlflowConfig({}, { env: { MLFLOW_TRACKING_PASSWORD: 'env-wins' }, credentialsFile: file }).credentials).toEqual({
      kind: 'basic',
      username: 'filer',
      password: 'env-wins',
    });
    await rm(dir, { recursive: true, force: true });
  });

  it('moves user-info out of the URI into credentials', () => {
    const config = load({ MLFLOW_TRACKING_URI: 'https://bob:p%40ss@mlflow.example.org:8443/base' });
    expect(config.trackingUri).toBe('https://mlflow.example.org:8443/base');
    expect(config.credentials).toEqual({ kind: 'basic', username: 'bob', password: 'p@ss' });
    expect(redactUri('https://bob:p%40ss@host/x')).toBe('https://***@host/x');
  });

  it('refuses values MLflow refuses, naming the variable', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ MLFLOW_HTTP_REQUEST_MAX_RETRIES: '10' }, /MLFLOW_HTTP_REQUEST_MAX_RETRIES must be an integer from 0 to below 10/],
      [{ MLFLOW_HTTP_REQUEST_MAX_RETRIES: 'many' }, /MLFLOW_HTTP_REQUEST_MAX_RETRIES/],
      [{ MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '120' }, /MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR/],
      [{ MLFLOW_HTTP_REQUEST_TIMEOUT: '0' }, /MLFLOW_HTTP_REQUEST_TIMEOUT/],
      [{ MLFLOW_TRACKING_INSECURE_TLS: 'yes' }, /MLFLOW_TRACKING_INSECURE_TLS must be true or false/],
      [{ MLFLOW_TRACKING_INSECURE_TLS: 'true', MLFLOW_TRACKING_SERVER_CERT_PATH: '/ca.pem' }, /cannot both be set/],
    ];
    for (const [env, message] of cases) {
      const attempt = () => load(env);
      expect(attempt).toThrow(MlflowConfigError);
      expect(attempt).toThrow(message);
    }
    expect(() => load({ MLFLOW_TRACKING_URI: 'http://[bad' })).toThrow(MlflowConfigError);
  });
});

describe('createStore', () => {
  it('makes a RestStore for http(s) URIs', async () => {
    const store = createStore(load({ MLFLOW_TRACKING_URI: 'http://127.0.0.1:5000/' }));
    expect(store).toBeInstanceOf(RestStore);
    expect(store.location).toBe('http://127.0.0.1:5000');
    await store.close();
  });

  it('explains every URI it cannot use, as a usage error (exit 2)', () => {
    const cases: Array<[string | undefined, RegExp]> = [
      ['sqlite:///mlflow.db', /is a database.*mlflow server --backend-store-uri sqlite:\/\/\/mlflow\.db/],
      ['postgresql://u:secretpw@db/mlflow', /is a database/],
      ['databricks', /Databricks/],
      ['localhost:5000', /did you mean http:\/\/localhost:5000\?/],
    ];
    for (const [uri, message] of cases) {
      const config = load(uri === undefined ? {} : { MLFLOW_TRACKING_URI: uri });
      let error: unknown;
      try {
        createStore(config);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(MlflowUnsupportedStoreError);
      expect((error as MlflowUnsupportedStoreError).exitCode).toBe(2);
      expect((error as MlflowUnsupportedStoreError).oneLine).toMatch(message);
      expect((error as MlflowUnsupportedStoreError).oneLine).not.toContain('secretpw');
    }
  });
});
