/**
 * The HTTP client's retry, recovery and error-mapping matrix over a scripted transport: no
 * server, no Python, no waiting (the client's sleep records the back-off delays instead).
 * The same behaviours against a real server are in errors.test.ts and faults.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { RetryPolicy } from '../../src/mlflow/config.js';
import {
  MlflowAlreadyExistsError,
  MlflowApiError,
  MlflowAuthError,
  MlflowConnectionError,
  MlflowEndpointError,
  MlflowInvalidRequestError,
  MlflowNotFoundError,
  MlflowTimeoutError,
} from '../../src/mlflow/errors.js';
import { MlflowHttpClient, type RetryEvent, type Transport, type TransportRequest, type TransportResponse } from '../../src/mlflow/rest/http.js';

const POLICY: RetryPolicy = { maxRetries: 4, backoffFactor: 2, backoffJitter: 0, backoffMax: 120, respectRetryAfter: true };

type Step = TransportResponse | { networkError: string; message?: string };

function answer(status: number, body: unknown = {}, headers: Record<string, string> = {}): TransportResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** A transport that plays `steps` in order (the last one again when they run out) and keeps what it was sent. */
function scripted(steps: Step[]): Transport & { sent: TransportRequest[] } {
  const sent: TransportRequest[] = [];
  return {
    sent,
    async send(request) {
      sent.push(request);
      const step = steps[Math.min(sent.length - 1, steps.length - 1)]!;
      if ('networkError' in step) throw Object.assign(new Error(step.message ?? step.networkError), { code: step.networkError });
      return step;
    },
    close() {},
  };
}

function client(transport: Transport, options: { baseUrl?: string; retry?: Partial<RetryPolicy>; deadlineMs?: number; token?: boolean } = {}) {
  const waits: number[] = [];
  const events: RetryEvent[] = [];
  let clock = 0;
  const http = new MlflowHttpClient({
    baseUrl: options.baseUrl ?? 'http://mlflow.internal:5000',
    credentials: options.token ? { kind: 'bearer', token: 'secret-token' } : { kind: 'none' },
    tls: { insecure: false, caCertPath: undefined, clientCertPath: undefined },
    retry: { ...POLICY, ...options.retry },
    timeoutMs: 30_000,
    deadlineMs: options.deadlineMs,
    transport,
    random: () => 0,
    now: () => clock,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    onRetry: (event) => events.push(event),
  });
  return { http, waits, events };
}

async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a failure');
}

const GET = { method: 'GET' as const, path: '/api/2.0/mlflow/experiments/get', query: { experiment_id: '0' } };

describe('retries', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries HTTP %i with MLflow back-off, then succeeds', async (status) => {
    const transport = scripted([answer(status, 'busy'), answer(status, 'busy'), answer(200, { ok: true })]);
    const { http, waits, events } = client(transport);
    await expect(http.json(GET)).resolves.toEqual({ ok: true });
    expect(waits).toEqual([0, 4000]);
    expect(events.map((event) => [event.attempt, event.maxAttempts, event.reason])).toEqual([
      [1, 5, `HTTP ${status}`],
      [2, 5, `HTTP ${status}`],
    ]);
    expect(http.stats).toEqual({ requests: 3, retries: 2 });
  });

  it('does not retry 4xx answers other than 408 and 429', async () => {
    const transport = scripted([answer(400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'bad' })]);
    const { http, waits } = client(transport);
    expect(await failure(http.json(GET))).toBeInstanceOf(MlflowInvalidRequestError);
    expect(waits).toEqual([]);
    expect(transport.sent).toHaveLength(1);
  });

  it('gives up after maxRetries with the attempts in the message; back-off doubles and is capped', async () => {
    const transport = scripted([answer(503, 'upstream down', { 'content-type': 'text/plain' })]);
    const { http, waits } = client(transport, { retry: { maxRetries: 6, backoffMax: 20 } });
    const error = await failure(http.json(GET));
    expect(error).toBeInstanceOf(MlflowApiError);
    expect(error).toMatchObject({ httpStatus: 503, attempts: 7 });
    expect(error.message).toContain('after 7 attempts');
    expect(waits).toEqual([0, 4000, 8000, 16000, 20000, 20000]);
  });

  it('adds up to backoffJitter random seconds', async () => {
    const transport = scripted([answer(502), answer(502), answer(200)]);
    const waits: number[] = [];
    const http = new MlflowHttpClient({
      baseUrl: 'http://mlflow.internal:5000',
      credentials: { kind: 'none' },
      tls: { insecure: false, caCertPath: undefined, clientCertPath: undefined },
      retry: { ...POLICY, backoffJitter: 1 },
      timeoutMs: 1000,
      transport,
      random: () => 0.5,
      sleep: async (ms) => void waits.push(ms),
    });
    await http.json(GET);
    expect(waits).toEqual([0, 4500]);
  });

  it('waits what Retry-After asks on 429 and 503, at most 120 s, unless told not to', async () => {
    const asked = client(scripted([answer(429, '', { 'retry-after': '7' }), answer(503, '', { 'retry-after': '9999' }), answer(200)]));
    await asked.http.json(GET);
    expect(asked.waits).toEqual([7000, 120_000]);

    const ignored = client(scripted([answer(429, '', { 'retry-after': '7' }), answer(200)]), { retry: { respectRetryAfter: false } });
    await ignored.http.json(GET);
    expect(ignored.waits).toEqual([0]);
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH'])('retries the network error %s', async (code) => {
    const { http, waits } = client(scripted([{ networkError: code }, answer(200, { ok: 1 })]));
    await expect(http.json(GET)).resolves.toEqual({ ok: 1 });
    expect(waits).toEqual([0]);
  });

  it('a refused connection on a remote host gets the whole retry budget', async () => {
    const { http, waits } = client(scripted([{ networkError: 'ECONNREFUSED' }]), { retry: { maxRetries: 3 } });
    const error = await failure(http.json(GET));
    expect(error).toBeInstanceOf(MlflowConnectionError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', attempts: 4 });
    expect(waits).toEqual([0, 4000, 8000]);
  });

  it.each(['http://127.0.0.1:5000', 'http://localhost:5000', 'http://[::1]:5000'])(
    'a refused connection on this machine (%s) fails within two seconds, saying to start the server',
    async (baseUrl) => {
      const { http, waits, events } = client(scripted([{ networkError: 'ECONNREFUSED' }]), { baseUrl });
      const error = await failure(http.json(GET));
      expect(error).toMatchObject({ code: 'ECONNREFUSED', attempts: 3 });
      expect(String(error.hint)).toContain('nothing listens there: start it (`mlflow server --port 5000`)');
      expect(waits).toEqual([0, 1000]);
      expect(events.map((event) => `${event.attempt}/${event.maxAttempts}`)).toEqual(['1/3', '2/3']);
    },
  );

  it('--timeout: no retry waits past the deadline', async () => {
    const { http, waits } = client(scripted([answer(503)]), { deadlineMs: 10_000 });
    const error = await failure(http.json(GET));
    expect(error).toMatchObject({ httpStatus: 503, attempts: 3 });
    // 0 + 4 s fit in 10 s; the next wait (8 s) would not.
    expect(waits).toEqual([0, 4000]);
  });

  it('runs recover before each retry, and its value ends the request', async () => {
    const transport = scripted([{ networkError: 'ECONNRESET' }]);
    const { http } = client(transport);
    let probes = 0;
    const result = await http.json<{ run: string }>({
      method: 'POST',
      path: '/api/2.0/mlflow/runs/create',
      body: { experiment_id: '0' },
      recover: async () => {
        probes += 1;
        return probes === 2 ? { run: 'found' } : undefined;
      },
    });
    expect(result).toEqual({ run: 'found' });
    expect(probes).toBe(2);
    expect(transport.sent).toHaveLength(2);
    expect(transport.sent[0]).toMatchObject({ method: 'POST', body: { text: '{"experiment_id":"0"}' } });
  });
});

describe('what is sent', () => {
  it('the query, the user agent and the token; JSON bodies are typed', async () => {
    const transport = scripted([answer(200)]);
    const { http } = client(transport, { token: true });
    await http.json({ method: 'GET', path: '/api/2.0/mlflow/runs/search', query: { ids: ['a', 'b'], skip: undefined, n: 2 } });
    await http.json({ method: 'POST', path: '/api/2.0/mlflow/runs/create', body: {} });
    expect(transport.sent[0]!.url).toBe('http://mlflow.internal:5000/api/2.0/mlflow/runs/search?ids=a&ids=b&n=2');
    expect(transport.sent[0]!.headers).toMatchObject({ Authorization: 'Bearer secret-token' });
    expect(transport.sent[0]!.headers['User-Agent']).toMatch(/^mlflow-mct\/\d+\.\d+\.\d+ \(node /);
    expect(transport.sent[1]!.headers).toMatchObject({ 'Content-Type': 'application/json' });
  });
});

describe('errors', () => {
  const cases: Array<[string, Step, new (...args: never[]) => Error, RegExp]> = [
    ['RESOURCE_DOES_NOT_EXIST', answer(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No experiment 9' }), MlflowNotFoundError, /No experiment 9 \(RESOURCE_DOES_NOT_EXIST/],
    ['RESOURCE_ALREADY_EXISTS', answer(400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'taken' }), MlflowAlreadyExistsError, /taken/],
    ['401 without credentials', answer(401, 'no'), MlflowAuthError, /requires authentication \(HTTP 401\)/],
    ['403', answer(403, 'nope', { 'content-type': 'text/plain' }), MlflowAuthError, /denied GET .* \(HTTP 403: nope\)/],
    ['403 host check', answer(403, 'Invalid Host header', { 'content-type': 'text/plain' }), MlflowEndpointError, /refused the Host header/],
    ['404 HTML page', answer(404, '<html>no</html>', { 'content-type': 'text/html' }), MlflowEndpointError, /has no MLflow REST API .* an HTML page/],
    ['404 empty', answer(404, '', { 'content-type': 'text/plain' }), MlflowEndpointError, /has no endpoint GET/],
    ['redirect', answer(302, '', { location: 'https://sso.example.com/login' }), MlflowEndpointError, /redirected .* to https:\/\/sso\.example\.com\/login/],
    ['200 that is not JSON', answer(200, '<!doctype html><p>UI</p>', { 'content-type': 'text/html' }), MlflowEndpointError, /with an HTML page, not MLflow's REST API/],
    ['timeout', { networkError: 'ECONNABORTED', message: 'timeout of 30000ms exceeded' }, MlflowTimeoutError, /did not answer GET .* within 30 s \(5 attempts\)/],
    ['unknown host', { networkError: 'ENOTFOUND' }, MlflowConnectionError, /cannot find the host of http:\/\/mlflow\.internal:5000/],
    ['bad certificate', { networkError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, MlflowConnectionError, /TLS certificate .* could not be verified/],
  ];
  it.each(cases)('%s becomes a typed error with one line to act on', async (_name, step, type, pattern) => {
    const { http } = client(scripted([step]));
    const error = await failure(http.json(GET));
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(pattern);
    expect(typeof error.hint).toBe('string');
  });

  it('a 401 with credentials says they were rejected, and never shows them', async () => {
    const { http } = client(scripted([answer(401, 'no')]), { token: true });
    const error = await failure(http.json(GET));
    expect(error.message).toContain('rejected the credentials (HTTP 401)');
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain('secret-token');
  });

  it('text(): a 404 means no such resource, an HTML page means not MLflow', async () => {
    expect(await client(scripted([answer(404, 'nope', { 'content-type': 'text/plain' })])).http.text('/version')).toBeUndefined();
    expect(await client(scripted([answer(200, '<html></html>', { 'content-type': 'text/html' })])).http.text('/version')).toBeUndefined();
    expect(await client(scripted([answer(200, '3.17.2\n', { 'content-type': 'text/html' })])).http.text('/version')).toBe('3.17.2');
  });
});
