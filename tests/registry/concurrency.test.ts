import { expect, it } from 'vitest';
import { describeWithServer, server, testClient, uniqueName } from '../harness/context.js';
import { runCliAsync } from '../helpers/cli-async.js';
import { tempDir } from '../helpers/cli.js';

const SHA = '607a30d783dfa663caf39e06633721c8d4cfcd7e';
const PROCESSES = 8;

describeWithServer('concurrent registrations', () => {
  it(`${PROCESSES} register-generative processes on one new name all succeed with distinct versions`, { timeout: 180_000 }, async () => {
    const name = uniqueName('gpt2-concurrent');
    const experiment = uniqueName('generative-concurrent');
    const results = await Promise.all(
      Array.from({ length: PROCESSES }, (_, index) =>
        runCliAsync(
          ['register-generative', '--json', '--model', 'openai-community/gpt2', '--revision', SHA, '--mlflow-reg-name', name, '--mlflow-uri', server().url, '--mlflow-experiment', experiment, '--metric', `perplexity=${20 + index}`],
          { cwd: tempDir() },
        ),
      ),
    );
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
    const summaries = results.map((result) => {
      const { run_id, registered_model } = JSON.parse(result.stdout).mlflow;
      return { run_id, ...registered_model };
    });
    const versions = summaries.map((summary) => Number(summary.version)).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: PROCESSES }, (_, index) => index + 1));
    expect(new Set(summaries.map((summary) => summary.run_id)).size).toBe(PROCESSES);

    const client = testClient();
    try {
      const registered = await client.searchModelVersions({ filter: `name = '${name}'` });
      expect(registered).toHaveLength(PROCESSES);
      // Every version was registered from the run that reported it, and carries its own card.
      for (const summary of summaries) {
        const version = registered.find((candidate) => candidate.version === summary.version);
        expect(version?.runId).toBe(summary.run_id);
        expect(version?.description).toContain('# Model Card for openai-community/gpt2');
      }
      // Each card compares with the version registered just before it.
      for (const summary of summaries) {
        expect(summary.changes).toEqual(summary.version === '1' ? `First version of ${name}.` : expect.stringMatching(new RegExp(`^Since version ${Number(summary.version) - 1}: `)));
      }
    } finally {
      await client.close();
    }
  });
});
