import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { isValidRepoId, resolveHubRevision } from '../../src/generative/hub.js';
import { startRecorder } from './stub-http.js';

const SHA = '607a30d783dfa663caf39e06633721c8d4cfcd7e';

describe('Hugging Face repository ids', () => {
  it('accepts what the Hub accepts and refuses the rest', () => {
    for (const id of ['gpt2', 'openai-community/gpt2', 'meta-llama/Llama-3.1-8B', 'a_b.c']) expect(isValidRepoId(id)).toBe(true);
    for (const id of ['', 'a//b', 'a/b/c', '../x', 'a--b', 'a..b', 'x/-a', 'x/a.git', 'has space', 'a'.repeat(97), '/gpt2']) expect(isValidRepoId(id)).toBe(false);
  });
});

describe('resolving a model revision from the Hub', () => {
  let hub: Awaited<ReturnType<typeof startRecorder>>;
  beforeAll(async () => {
    hub = await startRecorder((request, response) => {
      if (request.url === '/api/models/openai-community/gpt2') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'openai-community/gpt2', sha: SHA }));
      else if (request.url === '/api/models/org/gated') response.writeHead(401).end();
      else if (request.url === '/api/models/org/broken') response.writeHead(200, { 'content-type': 'application/json' }).end('{"sha": "main"}');
      else response.writeHead(404).end();
    });
  });
  afterAll(() => hub.close());

  it('asks HF_ENDPOINT for the model info and returns its commit sha, sending HF_TOKEN', async () => {
    const sha = await resolveHubRevision('openai-community/gpt2', { env: { HF_ENDPOINT: `${hub.url}/`, HF_TOKEN: 'hf_secret' } });
    expect(sha).toBe(SHA);
    expect(hub.requests.at(-1)).toEqual({ method: 'GET', url: '/api/models/openai-community/gpt2', authorization: 'Bearer hf_secret' });
  });

  it('explains every failure with the way out (--revision), and never shows the token', async () => {
    const cases: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
      ['org/missing', { HF_ENDPOINT: hub.url }, /no such model \(HTTP 404\)/],
      ['org/gated', { HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_secret' }, /access denied \(HTTP 401\); set HF_TOKEN/],
      ['org/broken', { HF_ENDPOINT: hub.url }, /no commit sha/],
      ['openai-community/gpt2', { HF_ENDPOINT: hub.url, HF_HUB_OFFLINE: '1' }, /HF_HUB_OFFLINE is set/],
      ['openai-community/gpt2', { HF_ENDPOINT: 'http://127.0.0.1:9' }, /not reachable/],
    ];
    for (const [model, env, message] of cases) {
      const error = await resolveHubRevision(model, { env }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).oneLine).toMatch(message);
      expect((error as UsageError).oneLine).toContain('pass --revision <commit sha>');
      expect((error as UsageError).oneLine).not.toContain('hf_secret');
    }
  });
});
