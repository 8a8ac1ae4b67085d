/**
 * A throw-away PostgreSQL cluster for the production-topology run: `initdb` into a temp dir,
 * `pg_ctl start` on a free loopback port, one database for MLflow, trust auth on loopback only.
 * As root (CI) the server runs as the `postgres` user, which PostgreSQL requires.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';

const run = promisify(execFile);

export interface PostgresCluster {
  uri: string;
  stop(): Promise<void>;
}

async function findBinDir(): Promise<string> {
  try {
    const { stdout } = await run('pg_config', ['--bindir']);
    const dir = stdout.trim();
    if (existsSync(join(dir, 'initdb'))) return dir;
  } catch {
    // pg_config is in libpq-dev, often absent; look where Debian puts the server.
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? (await readdir(root)).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const dir = join(root, version, 'bin');
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found; install them with `apt-get install -y postgresql`');
}

export async function startPostgres(say: (line: string) => void): Promise<PostgresCluster> {
  const bin = await findBinDir();
  const asRoot = userInfo().uid === 0;
  const root = await mkdtemp(join(tmpdir(), 'mlflow-mct-pg-'));
  const data = join(root, 'data');
  const port = await freePort();
  let owner: { uid: number; gid: number } | undefined;
  if (asRoot) {
    const { stdout: uid } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    owner = { uid: Number(uid.trim()), gid: Number(gid.trim()) };
    await chown(root, owner.uid, owner.gid);
    await chmod(root, 0o700);
  }
  const exec = async (tool: string, args: string[]): Promise<void> => {
    const command = join(bin, tool);
    try {
      if (asRoot) await run('runuser', ['-u', 'postgres', '--', command, ...args]);
      else await run(command, args);
    } catch (error) {
      const err = error as { stderr?: string; message: string };
      throw new Error(`${tool} failed: ${err.stderr?.trim() || err.message}`, { cause: error });
    }
  };
  say(`starting PostgreSQL (${bin}) on 127.0.0.1:${port}`);
  await exec('initdb', ['-D', data, '-U', 'mlflow', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  await exec('pg_ctl', [
    '-D',
    data,
    '-l',
    join(root, 'postgres.log'),
    '-o',
    `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    '-w',
    '-t',
    '60',
    'start',
  ]);
  await exec('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'mlflow', 'mlflow']);
  return {
    // Name the driver: SQLAlchemy 2.1 defaults postgresql:// to psycopg 3, 2.0 to psycopg2.
    uri: `postgresql+psycopg2://mlflow@127.0.0.1:${port}/mlflow`,
    async stop() {
      await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}
