import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  authorization: string | undefined;
}

/**
 * A local HTTP server that records every request and answers with `respond` (404 by default).
 * Tests point --mlflow-uri and HF_ENDPOINT at it to prove that nothing is sent, or to play the
 * part of the Hugging Face Hub's model-info endpoint.
 */
export async function startRecorder(respond?: (request: IncomingMessage, response: ServerResponse) => void) {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    requests.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization });
    if (respond) respond(request, response);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
