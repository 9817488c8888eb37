import http from 'node:http';
import https from 'node:https';
import axios from 'axios';

/**
 * The wire for every outbound HTTP call: one request, a hard total deadline (body included), every
 * status returned as data. Failures below HTTP become HttpTimeoutError / HttpNetworkError, both
 * transient. The axios error is deliberately not attached as `cause`: it carries the request
 * config (Authorization header, bodies with passwords).
 */

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** For error messages and logs: the path without origin or query. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  text: string;
  header(name: string): string | undefined;
}

export type HttpSend = (req: HttpRequest) => Promise<HttpResponse>;

export class HttpTimeoutError extends Error {
  readonly transient = true;
  constructor(
    readonly method: string,
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(`${method} ${path} got no answer within ${timeoutMs} ms`);
    this.name = 'HttpTimeoutError';
  }
}

export class HttpNetworkError extends Error {
  readonly transient = true;
  constructor(
    readonly method: string,
    readonly path: string,
    /** The system error code, e.g. ECONNREFUSED, ECONNRESET, ENOTFOUND. */
    readonly networkCode: string,
  ) {
    super(`${method} ${path} failed: network error ${networkCode}`);
    this.name = 'HttpNetworkError';
  }
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

/**
 * Connections are kept open and reused: a thousand deployments polled every few seconds would
 * otherwise open (and, against a real portal, TLS-handshake) a connection per poll. An idle
 * connection is closed after 4 s, before the common 5 s server idle timeout can race a reuse.
 */
const KEEP_ALIVE = { keepAlive: true, timeout: 4_000, maxFreeSockets: 64, scheduling: 'lifo' as const };

export function createHttpSend(opts: { maxBodyBytes?: number } = {}): HttpSend {
  const ax = axios.create({
    httpAgent: new http.Agent(KEEP_ALIVE),
    httpsAgent: new https.Agent(KEEP_ALIVE),
    validateStatus: () => true,
    responseType: 'text',
    // Keep the raw text: the callers parse it, and a body that is not JSON is itself a finding.
    transformResponse: [(d: unknown) => d],
    maxRedirects: 0,
    ...(opts.maxBodyBytes ? { maxContentLength: opts.maxBodyBytes } : {}),
  });
  return async (req) => {
    // A timer cleared when the answer is in, not AbortSignal.timeout: that one lives (timer, weak
    // reference, finalizer) for the whole timeout after every request, thousands at once when a
    // thousand deployments are polled.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), req.timeoutMs);
    const signal = controller.signal;
    try {
      const res = await ax.request<string>({
        method: req.method,
        url: req.url,
        headers: { Accept: 'application/json', ...req.headers },
        data: req.body,
        signal,
      });
      const text = typeof res.data === 'string' ? res.data : res.data == null ? '' : String(res.data);
      return {
        status: res.status,
        text,
        header: (name) => {
          const v: unknown = res.headers[name.toLowerCase()];
          return v == null ? undefined : String(v);
        },
      };
    } catch (e) {
      if (signal.aborted) throw new HttpTimeoutError(req.method, req.path, req.timeoutMs);
      const code = axios.isAxiosError(e) ? (e.code ?? 'ERR_NETWORK') : 'ERR_UNKNOWN';
      if (TIMEOUT_CODES.has(code)) throw new HttpTimeoutError(req.method, req.path, req.timeoutMs);
      const sysCode = axios.isAxiosError(e) && e.cause && typeof e.cause === 'object' && 'code' in e.cause ? String(e.cause.code) : undefined;
      throw new HttpNetworkError(req.method, req.path, sysCode ?? code);
    } finally {
      clearTimeout(timer);
    }
  };
}
