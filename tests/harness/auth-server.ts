/**
 * A second MLflow server with MLflow's basic-auth app (`--app-name basic-auth`), for the tests
 * of 401 challenges and credentials. Started on demand by the test file that needs it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSelection, startMlflowServer, type RunningServer } from './mlflow-server.js';

export interface AuthServer extends RunningServer {
  username: string;
  password: string;
}

export async function startBasicAuthServer(): Promise<AuthServer> {
  const configDir = await mkdtemp(join(tmpdir(), 'mlflow-mct-auth-'));
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const configPath = join(configDir, 'basic_auth.ini');
  // The user database lands in the server's working directory, a temp dir of its own.
  await writeFile(
    configPath,
    [
      '[mlflow]',
      'default_permission = READ',
      'database_uri = sqlite:///basic_auth.db',
      'admin_username = admin',
      `admin_password = ${password}`,
      'authorization_function = mlflow.server.auth:authenticate_request_basic_auth',
      // MLflow 3 hashes the password on every request (about a second here); cache the check.
      'auth_cache_ttl_seconds = 300',
      '',
    ].join('\n'),
  );
  const selection = { ...readSelection(), backend: 'sqlite' as const, workers: 1, externalUrl: undefined };
  try {
    const server = await startMlflowServer(selection, {
      say: () => undefined,
      extraArgs: ['--app-name', 'basic-auth'],
      readyApiStatus: 401,
      extraEnv: {
        MLFLOW_AUTH_CONFIG_PATH: configPath,
        MLFLOW_FLASK_SERVER_SECRET_KEY: randomBytes(16).toString('hex'),
      },
    });
    return {
      ...server,
      username: 'admin',
      password,
      async stop() {
        await server.stop();
        await rm(configDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(configDir, { recursive: true, force: true });
    throw error;
  }
}
