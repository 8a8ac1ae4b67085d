/**
 * One lock for every read-modify-write of a local store, shared by all processes that write it.
 *
 * The lock is a file created with O_EXCL (`wx`) at the store root: a file, not a directory,
 * because MLflow takes every directory at the root for an experiment and refuses to list
 * experiments when one has a name like `.lock`. The file says who holds it (pid, host, when).
 *
 * A holder that died (killed mid-command) leaves the file behind. A waiter takes such a lock
 * over when its process is gone (same host) or when it is older than `staleMs` (any host: the
 * sections it guards last milliseconds). The takeover itself runs under a second O_EXCL file,
 * the breaker, and re-reads the lock before removing it, so two waiters cannot both remove
 * it, and neither can remove a fresh lock another waiter has just taken.
 */
import { randomUUID } from 'node:crypto';
import { link, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { TEMP_PREFIX, errorCode, processAlive } from './disk.js';
import { FileStoreLockedError } from './errors.js';

export interface LockOptions {
  /** How long to wait for another process before giving up (ms). */
  waitMs?: number;
  /** A lock older than this is abandoned whoever holds it (ms). */
  staleMs?: number;
}

interface Holder {
  pid: number;
  host: string;
  token: string;
  since: number;
}

const DEFAULT_WAIT_MS = 60_000;
const DEFAULT_STALE_MS = 30_000;
/** The breaker is held for a few system calls; one this old was left by a killed process. */
const BREAKER_STALE_MS = 5_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readHolder(path: string): Promise<{ holder: Holder | undefined; text: string; ageMs: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let holder: Holder | undefined;
    try {
      holder = JSON.parse(text) as Holder;
    } catch {
      holder = undefined; // damaged: judged by its age alone
    }
    return { holder, text, ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Creates `path` with `content` unless it exists. The content is written to a temp file first
 * and hard-linked into place, so the file never exists empty: a holder killed at any moment
 * leaves a lock that says whose it was.
 */
async function tryCreate(path: string, content: string): Promise<boolean> {
  const temp = join(dirname(path), `${TEMP_PREFIX}${process.pid}-${randomUUID().slice(0, 12)}`);
  await writeFile(temp, content);
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await removeIfPresent(temp);
  }
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

export class StoreLock {
  private readonly breakerPath: string;
  private readonly waitMs: number;
  private readonly staleMs: number;
  /** Sections of this process run one after another; the file lock orders processes. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    options: LockOptions = {},
  ) {
    this.breakerPath = `${path}.break`;
    this.waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
    this.staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  }

  /** Runs `section` while holding the lock. */
  run<T>(section: () => Promise<T>): Promise<T> {
    const result = this.queue.then(() => this.holding(section));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async holding<T>(section: () => Promise<T>): Promise<T> {
    const token = await this.acquire();
    const started = Date.now();
    try {
      return await section();
    } finally {
      await this.release(token, Date.now() - started);
    }
  }

  private async acquire(): Promise<string> {
    const token = randomUUID();
    const content = JSON.stringify({ pid: process.pid, host: hostname(), token, since: Date.now() } satisfies Holder);
    const deadline = Date.now() + this.waitMs;
    let pause = 2;
    for (;;) {
      if (await tryCreate(this.path, content)) return token;
      const current = await readHolder(this.path);
      // After a takeover, try again at once; while another waiter is taking over, wait like the rest.
      if (current !== undefined && this.isAbandoned(current.holder, current.ageMs) && (await this.breakAbandoned(current.text))) continue;
      if (Date.now() > deadline) {
        const who = current?.holder ? `process ${current.holder.pid} on ${current.holder.host}` : 'another process';
        throw new FileStoreLockedError(`the local store is locked by ${who} (${this.path})`, {
          path: this.path,
          hint: 'wait for the other mlflow-mct command to finish; if none is running, delete the lock file',
        });
      }
      await sleep(pause + Math.random() * pause);
      pause = Math.min(pause * 2, 50);
    }
  }

  private isAbandoned(holder: Holder | undefined, ageMs: number): boolean {
    if (ageMs > this.staleMs) return true;
    return holder !== undefined && holder.host === hostname() && !processAlive(holder.pid);
  }

  /**
   * Removes the lock if it still is the abandoned one that was read (`seen`). False when another
   * waiter holds the breaker (it is taking over right now).
   */
  private async breakAbandoned(seen: string): Promise<boolean> {
    if (!(await tryCreate(this.breakerPath, String(process.pid)))) {
      const breaker = await readHolder(this.breakerPath);
      if (breaker !== undefined && breaker.ageMs > BREAKER_STALE_MS) await removeIfPresent(this.breakerPath);
      return false;
    }
    try {
      const again = await readHolder(this.path);
      if (again !== undefined && again.text === seen) await removeIfPresent(this.path);
      return true;
    } finally {
      await removeIfPresent(this.breakerPath);
    }
  }

  private async release(token: string, heldMs: number): Promise<void> {
    // A section that outlived half of `staleMs` may have lost the lock to another process: it
    // removes the lock only if it still is its own.
    if (heldMs < this.staleMs / 2 || (await readHolder(this.path))?.holder?.token === token) await removeIfPresent(this.path);
  }
}
