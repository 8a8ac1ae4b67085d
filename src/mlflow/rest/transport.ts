/**
 * How bytes reach an MLflow server: one function, `Transport`, that sends one HTTP request and
 * returns the answer, or throws the network error (with its `code`, e.g. `ECONNREFUSED`). The
 * client in `http.ts` owns retries, headers and error mapping, so a test can hand it a scripted
 * transport and run the whole retry and error matrix without a server; `axiosTransport` is the
 * real one.
 */
import axios, { type AxiosResponse } from 'axios';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TlsOptions } from '../config.js';
import { MlflowConfigError } from '../errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

export interface TransportRequest {
  method: HttpMethod;
  /** Absolute URL, query string included. */
  url: string;
  headers: Record<string, string>;
  /** A text body (JSON), or a local file sent as the raw body, read afresh on every attempt. */
  body?: { text: string } | { file: string; size: number } | undefined;
  /** Stream a 2xx answer's body into this file instead of returning it. */
  saveTo?: string | undefined;
}

export interface TransportResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The body as text; empty when it was saved to `saveTo`. */
  body: string;
}

export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
  /** Lets go of kept-alive connections so a CLI process can exit at once. */
  close(): void;
}

function readPem(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new MlflowConfigError(`cannot read ${variable} file ${path}: ${(error as Error).message}`, {
      hint: `point ${variable} at a readable PEM file`,
    });
  }
}

function flatHeaders(headers: AxiosResponse['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value !== undefined && value !== null) flat[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return flat;
}

async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}

/** The real transport: axios over kept-alive agents, with the configured TLS and timeout. */
export function axiosTransport(options: { tls: TlsOptions; timeoutMs: number }): Transport {
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const clientPem = options.tls.clientCertPath ? readPem(options.tls.clientCertPath, 'MLFLOW_TRACKING_CLIENT_CERT_PATH') : undefined;
  const httpsAgent = new https.Agent({
    keepAlive: true,
    maxSockets: 16,
    rejectUnauthorized: !options.tls.insecure,
    ...(options.tls.caCertPath ? { ca: readPem(options.tls.caCertPath, 'MLFLOW_TRACKING_SERVER_CERT_PATH') } : {}),
    ...(clientPem ? { cert: clientPem, key: clientPem } : {}),
  });
  const instance = axios.create({
    timeout: options.timeoutMs,
    httpAgent,
    httpsAgent,
    // Redirects are reported, not followed: a POST silently turned into a GET loses data.
    maxRedirects: 0,
    maxBodyLength: Infinity,
    maxContentLength: Infinity,
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
  });
  return {
    async send(request) {
      const headers = { ...request.headers };
      let data: unknown;
      if (request.body !== undefined && 'text' in request.body) data = request.body.text;
      if (request.body !== undefined && 'file' in request.body) {
        data = createReadStream(request.body.file);
        headers['Content-Length'] = String(request.body.size);
      }
      if (request.saveTo === undefined) {
        const response = await instance.request<Buffer>({ method: request.method, url: request.url, data, headers, responseType: 'arraybuffer' });
        const raw = response.data as Buffer | string | undefined;
        const body = raw === undefined ? '' : typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
        return { status: response.status, headers: flatHeaders(response.headers), body };
      }
      const response = await instance.request<Readable>({ method: request.method, url: request.url, data, headers, responseType: 'stream' });
      if (response.status >= 200 && response.status < 300) {
        await pipeline(response.data, createWriteStream(request.saveTo));
        return { status: response.status, headers: flatHeaders(response.headers), body: '' };
      }
      return { status: response.status, headers: flatHeaders(response.headers), body: await readText(response.data) };
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
