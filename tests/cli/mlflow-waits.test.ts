/**
 * Nobody waits in silence: every command that talks to MLflow prints one line per retry on
 * stderr (not with --json), and a server that is not running on this machine is reported within
 * seconds. Asserted through the attempt counts and announced delays, not the wall clock.
 */
import { describe, expect, it } from 'vitest';
import { freePort } from '../harness/ports.js';
import { runCli, tempDir } from '../helpers/cli.js';

const env = { MLFLOW_TRACKING_URI: '', MLFLOW_HTTP_REQUEST_MAX_RETRIES: '', MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '' };

function retryLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => / failed \(.*\); attempt \d+ of \d+, next try in /.test(line));
}

describe('retries are visible', () => {
  it('models show against a closed local port: two retry lines, then one error saying to check the server', async () => {
    const port = await freePort();
    const result = runCli(['models', 'show', 'models:/penguins/1', '--mlflow-uri', `http://127.0.0.1:${port}`], { env });
    expect(result.code).toBe(1);
    expect(retryLines(result.stderr)).toEqual([
      `MLflow at http://127.0.0.1:${port}: GET /version failed (ECONNREFUSED); attempt 1 of 3, next try in 0ms`,
      `MLflow at http://127.0.0.1:${port}: GET /version failed (ECONNREFUSED); attempt 2 of 3, next try in 1s`,
    ]);
    expect(result.stderr).toContain(`connection refused (3 attempts)) — check that the server is running`);
    expect(result.stderr).not.toContain('    at ');
  });

  it('push prints the same lines; --json keeps stderr free of them', async () => {
    const port = await freePort();
    const store = tempDir('mlflow-mct-waits-');
    const shown = runCli(['push', '--from', store, '--mlflow-uri', `http://127.0.0.1:${port}`], { env });
    expect(shown.code).toBe(1);
    expect(retryLines(shown.stderr)).toHaveLength(2);
    const quiet = runCli(['push', '--from', store, '--to', `http://127.0.0.1:${port}`, '--json'], { env });
    expect(quiet.code).toBe(1);
    expect(retryLines(quiet.stderr)).toEqual([]);
  });

  it('--timeout must be a positive number of seconds', () => {
    const result = runCli(['models', 'list', '--timeout', 'soon'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("option '--timeout <seconds>' argument 'soon' is invalid. expected a number of seconds above 0");
  });
});
