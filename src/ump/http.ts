import axios from 'axios';
import { UmpNetworkError, UmpTimeoutError } from './errors';

/**
 * The wire, and nothing else: one request, a hard total deadline, every status returned as data.
 * Failures below HTTP become UmpTimeoutError / UmpNetworkError. The axios error is deliberately not
 * attached as `cause`: it carries the request config (Authorization header, body with passwords).
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

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

export function createHttpSend(): HttpSend {
  const ax = axios.create({
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(d: unknown) => d],
    maxRedirects: 0,
  });
  return async (req) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), req.timeoutMs);
    try {
      const res = await ax.request<string>({
        method: req.method,
        url: req.url,
        headers: { Accept: 'application/json', ...req.headers },
        data: req.body,
        signal: controller.signal,
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
      if (controller.signal.aborted) throw new UmpTimeoutError(req.method, req.path, req.timeoutMs);
      const code = axios.isAxiosError(e) ? (e.code ?? 'ERR_NETWORK') : 'ERR_UNKNOWN';
      if (TIMEOUT_CODES.has(code)) throw new UmpTimeoutError(req.method, req.path, req.timeoutMs);
      const sysCode = axios.isAxiosError(e) && e.cause && typeof e.cause === 'object' && 'code' in e.cause ? String(e.cause.code) : undefined;
      throw new UmpNetworkError(req.method, req.path, sysCode ?? code);
    } finally {
      clearTimeout(timer);
    }
  };
}
