/**
 * A fault-injecting HTTP proxy between the client and the real MLflow server, on 127.0.0.1.
 *
 * Each request is matched against the rules in order; the first rule with budget left decides
 * its fate: an answer made up by the proxy (503, 429 with Retry-After...), a connection reset
 * before or after the server handled the request (the second is the case that duplicates data
 * in a naive client), added latency, or a rewritten Host header. Requests no rule claims are
 * forwarded untouched. Every request is logged so tests can count attempts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** Answer with this status without contacting the server. */
  | { kind: 'status'; status: number; retryAfter?: string; body?: string; contentType?: string }
  /** Drop the connection without contacting the server. */
  | { kind: 'reset-before' }
  /** Let the server handle the request, then drop the connection instead of answering. */
  | { kind: 'reset-after' }
  /** Wait, then forward. */
  | { kind: 'delay'; ms: number }
  /** Forward with another Host header. */
  | { kind: 'rewrite-host'; host: string };

export interface FaultRule {
  /** The fault, or a function of the matching request's index (0-based) giving one or none. */
  fault: Fault | ((index: number) => Fault | undefined);
  /** Which requests the rule applies to (all when absent). */
  match?: (request: { method: string; path: string }) => boolean;
  /** How many faults it injects at most (unlimited when absent). */
  times?: number;
}

export interface ProxyLogEntry {
  method: string;
  path: string;
  fault: Fault['kind'] | 'forwarded';
}

interface ActiveRule extends FaultRule {
  seen: number;
  used: number;
}

export class FaultProxy {
  readonly log: ProxyLogEntry[] = [];
  private rules: ActiveRule[] = [];
  private readonly agent = new http.Agent({ keepAlive: true });

  private constructor(
    private readonly server: http.Server,
    private readonly upstream: URL,
  ) {}

  static async start(upstreamUrl: string): Promise<FaultProxy> {
    const upstream = new URL(upstreamUrl);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(upstream.hostname)) {
      throw new Error(`the fault proxy only forwards to loopback addresses, not ${upstream.hostname}`);
    }
    const server = http.createServer();
    const proxy = new FaultProxy(server, upstream);
    server.on('request', (request, response) => void proxy.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Adds rules after the existing ones. */
  inject(...rules: FaultRule[]): this {
    this.rules.push(...rules.map((rule) => ({ ...rule, seen: 0, used: 0 })));
    return this;
  }

  clear(): this {
    this.rules = [];
    this.log.length = 0;
    return this;
  }

  /** How many requests reached the proxy, optionally only those whose path contains `fragment`. */
  count(fragment?: string, fate?: ProxyLogEntry['fault']): number {
    return this.log.filter((entry) => (fragment === undefined || entry.path.includes(fragment)) && (fate === undefined || entry.fault === fate)).length;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pick(method: string, path: string): Fault | undefined {
    for (const rule of this.rules) {
      if (rule.times !== undefined && rule.used >= rule.times) continue;
      if (rule.match && !rule.match({ method, path })) continue;
      const index = rule.seen;
      rule.seen += 1;
      const fault = typeof rule.fault === 'function' ? rule.fault(index) : rule.fault;
      if (!fault) continue;
      rule.used += 1;
      return fault;
    }
    return undefined;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    const fault = this.pick(method, path);
    this.log.push({ method, path, fault: fault ? fault.kind : 'forwarded' });
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = { 'Content-Type': fault.contentType ?? 'text/plain' };
      if (fault.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter;
      response.writeHead(fault.status, headers).end(fault.body ?? `injected ${fault.status}`);
      return;
    }
    if (fault?.kind === 'reset-before') {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') await new Promise((wake) => setTimeout(wake, fault.ms));
    const headers = { ...request.headers };
    if (fault?.kind === 'rewrite-host') headers.host = fault.host;
    try {
      const upstreamResponse = await this.forward(method, path, headers, body);
      if (fault?.kind === 'reset-after') {
        request.socket.destroy();
        return;
      }
      if (response.destroyed) return;
      const { 'transfer-encoding': _chunked, 'content-length': _length, ...rest } = upstreamResponse.headers;
      response.writeHead(upstreamResponse.status, { ...rest, 'content-length': String(upstreamResponse.body.length) }).end(upstreamResponse.body);
    } catch (error) {
      if (!response.headersSent && !response.destroyed) response.writeHead(502).end(`fault proxy: ${(error as Error).message}`);
    }
  }

  private forward(
    method: string,
    path: string,
    headers: http.IncomingHttpHeaders,
    body: Buffer,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const upstreamRequest = http.request(
        { host: this.upstream.hostname, port: this.upstream.port, method, path, headers, agent: this.agent },
        (upstreamResponse) => {
          const chunks: Buffer[] = [];
          upstreamResponse.on('data', (chunk: Buffer) => chunks.push(chunk));
          upstreamResponse.on('end', () =>
            resolve({ status: upstreamResponse.statusCode ?? 502, headers: upstreamResponse.headers, body: Buffer.concat(chunks) }),
          );
          upstreamResponse.on('error', reject);
        },
      );
      upstreamRequest.on('error', reject);
      upstreamRequest.end(body);
    });
  }
}
