/**
 * `serve`: load a penguin model once and answer MLflow scoring requests until SIGINT or SIGTERM;
 * then stop accepting connections, finish the requests in flight and return.
 */
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { RuntimeFailure } from '../errors.js';
import type { MlflowClient } from '../mlflow/client.js';
import { createScoringServer } from '../mlflow/scoring/server.js';
import { loadServedModel } from './served-model.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export interface ServeRequest {
  location: string;
  host: string;
  port: number;
  maxBodyBytes: number;
  /** Receives one line per request and the lifecycle messages. */
  log: (line: string) => void;
}

export async function serveModel(request: ServeRequest, client: MlflowClient | undefined, onListening: (url: string) => void): Promise<void> {
  const loaded = await loadServedModel(request.location, client);
  try {
    const server = createScoringServer({ model: loaded.model, version, maxBodyBytes: request.maxBodyBytes, log: request.log });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new RuntimeFailure(`cannot listen on ${request.host}:${request.port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}`, {
            hint: 'choose another --port, or stop what is listening there',
            cause: error,
          }),
        ),
      );
      server.listen(request.port, request.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    onListening(`http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`);
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals): void => {
        request.log(`${signal}: finishing the requests in flight, then stopping`);
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
        server.close(() => resolve());
        server.closeIdleConnections();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  } finally {
    await loaded.release();
  }
}
