/**
 * `serve`: load a penguin model once and answer MLflow scoring requests until SIGINT or SIGTERM;
 * then stop accepting connections, finish the requests in flight and return. With several
 * workers, each is a process of its own (node:cluster) sharing the port, like `mlflow models
 * serve --workers`: scoring is CPU work, and one Node process uses one core.
 */
import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { RuntimeFailure } from '../errors.js';
import type { MlflowClient } from '../mlflow/client.js';
import { createScoringServer, type ServableModel } from '../mlflow/scoring/server.js';
import { packageVersion } from '../paths.js';
import { loadServedModel } from './served-model.js';


export interface ServeRequest {
  location: string;
  host: string;
  port: number;
  maxBodyBytes: number;
  /** Processes answering requests; 1 serves from this process. */
  workers: number;
  /** Receives one line per request and the lifecycle messages. */
  log: (line: string) => void;
}

/** What a worker process needs to serve (it gets it in its environment). */
export type WorkerSettings = Pick<ServeRequest, 'host' | 'port' | 'maxBodyBytes'> & { directory: string };
export const WORKER_SETTINGS_VARIABLE = 'MLFLOW_MCT_SERVE_WORKER';

/** A worker's messages to the primary process. */
export type WorkerMessage = { listening: string } | { failed: string };

/** A log line as `serve` prints it on stderr. */
export function timestampedLine(line: string): string {
  return `${new Date().toISOString()} ${line}\n`;
}

/**
 * Serves `model` until SIGINT, SIGTERM or (in a worker) the primary's `stop` message; calls
 * `onListening` with the URL once connections are accepted.
 */
export async function listenAndServe(model: ServableModel, settings: Omit<ServeRequest, 'location' | 'workers'>, onListening: (url: string) => void): Promise<void> {
  const server = createScoringServer({ model, version: packageVersion, maxBodyBytes: settings.maxBodyBytes, log: settings.log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new RuntimeFailure(`cannot listen on ${settings.host}:${settings.port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}`, {
          hint: 'choose another --port, or stop what is listening there',
          cause: error,
        }),
      ),
    );
    server.listen(settings.port, settings.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  onListening(`http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (reason: string): void => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      if (stopping) return;
      stopping = true;
      settings.log(`${reason}: finishing the requests in flight, then stopping`);
      server.close(() => resolve());
      server.closeIdleConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.on('message', (message) => message === 'stop' && stop('stop'));
  });
}

/** Forks the workers and waits until every one has stopped; the first to fail stops the others. */
async function serveWithWorkers(directory: string, request: ServeRequest, onListening: (url: string) => void): Promise<void> {
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./serve-worker.js', import.meta.url)), args: [] });
  const settings: WorkerSettings = { directory, host: request.host, port: request.port, maxBodyBytes: request.maxBodyBytes };
  const workers: Worker[] = Array.from({ length: request.workers }, () => cluster.fork({ [WORKER_SETTINGS_VARIABLE]: JSON.stringify(settings) }));
  await new Promise<void>((resolve, reject) => {
    let listening = 0;
    let running = workers.length;
    let failure: string | undefined;
    const stopAll = (signal?: NodeJS.Signals): void => {
      if (signal) request.log(`${signal}: stopping ${workers.length} workers`);
      process.removeListener('SIGINT', stopAll);
      process.removeListener('SIGTERM', stopAll);
      for (const worker of workers) if (worker.isConnected()) worker.send('stop');
    };
    process.on('SIGINT', stopAll);
    process.on('SIGTERM', stopAll);
    for (const worker of workers) {
      worker.on('message', (message: WorkerMessage) => {
        if ('listening' in message && ++listening === workers.length) onListening(message.listening);
        if ('failed' in message) failure ??= message.failed;
      });
      worker.on('exit', (code) => {
        if (code !== 0) {
          failure ??= `a worker exited with code ${code}`;
          stopAll();
        }
        if (--running > 0) return;
        process.removeListener('SIGINT', stopAll);
        process.removeListener('SIGTERM', stopAll);
        if (failure === undefined) resolve();
        else reject(new RuntimeFailure(failure, { hint: 'run with --workers 1 to see the failure in this process' }));
      });
    }
  });
}

export async function serveModel(request: ServeRequest, client: MlflowClient | undefined, onListening: (url: string) => void): Promise<void> {
  const loaded = await loadServedModel(request.location, client);
  try {
    if (request.workers > 1) await serveWithWorkers(loaded.directory, request, onListening);
    else await listenAndServe(loaded.model, request, onListening);
  } finally {
    await loaded.release();
  }
}
