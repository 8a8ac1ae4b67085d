/**
 * MLflow's scoring protocol over Node's http module: the routes, status codes, headers and
 * bodies of `mlflow models serve` (`mlflow/pyfunc/scoring_server`), with a body size limit and
 * one log line per request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ScoringInputError } from './errors.js';
import { pythonJson } from './python-json.js';
import { parseCsvBody, parseJsonBody, type ColumnTable } from './request.js';
import { enforceInputs, type InputColumn } from './tensor-schema.js';

/** A loaded model: its input signature and a prediction per row as named outputs (MLflow's dict of tensors). */
export interface ServableModel {
  inputs: readonly InputColumn[];
  /** Throws `ScoringInputError` for rows the model cannot score. */
  predict(rows: ReadonlyArray<ReadonlyArray<number | string>>): Record<string, unknown>;
  /** Names of the positions of list outputs (the classes of `probabilities`), for CSV columns. */
  positionNames?: Readonly<Record<string, readonly string[]>>;
}

export interface ScoringServerOptions {
  model: ServableModel;
  /** Answered on `/version`. */
  version: string;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Called with one line per request. */
  log: (line: string) => void;
}

const SUPPORTED_TYPES = ['text/csv', 'application/json'];

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType: string,
    readonly headers: Record<string, string> = {},
  ) {}
}

const json = (status: number, body: string, headers: Record<string, string> = {}) => new HttpAnswer(status, body, 'application/json', headers);
const text = (status: number, body: string) => new HttpAnswer(status, body, 'text/plain; charset=utf-8');
const NOT_FOUND = json(404, '{"detail":"Not Found"}');
const methodNotAllowed = (allow: string) => json(405, '{"detail":"Method Not Allowed"}', { allow });

/** Checks the Content-Type as MLflow does: case-sensitive type, only a UTF-8 `charset` parameter. */
function mimeTypeOf(header: string | undefined): string | HttpAnswer {
  if (header === undefined) return text(500, 'Internal Server Error');
  const [type = '', ...parameters] = header.split(';').map((part) => part.trim());
  const unknown: string[] = [];
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split(/=(.*)/s).map((part) => part.trim());
    if (name !== 'charset') unknown.push(name);
    else if (value.toLowerCase() !== 'utf-8') return text(415, 'The scoring server only supports UTF-8');
  }
  if (unknown.length > 0) {
    return text(
      415,
      `Unrecognized content type parameters: ${unknown.join(', ')}. IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, you are likely using an outdated scoring request format.`,
    );
  }
  if (!SUPPORTED_TYPES.includes(type)) {
    return text(415, `This predictor only supports the following content types: Types: ${JSON.stringify(SUPPORTED_TYPES).replaceAll('"', "'").replaceAll(',', ', ')}. Got '${header}'.`);
  }
  return type;
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      throw new ScoringInputError('BAD_REQUEST', `the request body is larger than the ${limit}-byte limit`, {
        hint: 'split the rows over several requests, or start the server with a larger --max-body-size',
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function scoringTable(body: Buffer, mimeType: string): ColumnTable {
  let decoded: string;
  try {
    decoded = utf8.decode(body);
  } catch {
    throw new ScoringInputError('BAD_REQUEST', 'Invalid input. Ensure that input is a valid UTF-8 encoded string.');
  }
  return mimeType === 'text/csv' ? parseCsvBody(decoded) : parseJsonBody(decoded);
}

async function invocations(request: IncomingMessage, options: ScoringServerOptions): Promise<{ answer: HttpAnswer; rows?: number }> {
  const mimeType = mimeTypeOf(request.headers['content-type']);
  if (mimeType instanceof HttpAnswer) return { answer: mimeType };
  try {
    const table = scoringTable(await readBody(request, options.maxBodyBytes), mimeType);
    const rows = enforceInputs(table, options.model.inputs);
    return { answer: json(200, pythonJson({ predictions: options.model.predict(rows) })), rows: rows.length };
  } catch (error) {
    if (error instanceof ScoringInputError) return { answer: json(error.httpStatus, error.toJson()) };
    throw error;
  }
}

async function route(request: IncomingMessage, options: ScoringServerOptions): Promise<{ answer: HttpAnswer; rows?: number }> {
  const path = (request.url ?? '/').split('?')[0];
  switch (path) {
    case '/ping':
    case '/health':
      return { answer: request.method === 'GET' ? json(200, '\n') : methodNotAllowed('GET') };
    case '/version':
      return { answer: request.method === 'GET' ? json(200, options.version) : methodNotAllowed('GET') };
    case '/invocations':
      return request.method === 'POST' ? invocations(request, options) : { answer: methodNotAllowed('POST') };
    default:
      return { answer: NOT_FOUND };
  }
}

function send(response: ServerResponse, answer: HttpAnswer): void {
  response.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body), ...answer.headers });
  response.end(answer.body);
}

export function createScoringServer(options: ScoringServerOptions): Server {
  return createServer((request, response) => {
    const started = performance.now();
    route(request, options)
      .catch((error: unknown) => {
        options.log(`internal error: ${(error as Error).stack ?? String(error)}`);
        return { answer: text(500, 'Internal Server Error'), rows: undefined };
      })
      .then(({ answer, rows }) => {
        // An unread body (an early answer) must not stall the connection.
        request.resume();
        send(response, answer);
        const ms = (performance.now() - started).toFixed(1);
        options.log(`${request.method} ${request.url} ${answer.status} ${ms}ms${rows === undefined ? '' : ` rows=${rows}`}`);
      });
  });
}
