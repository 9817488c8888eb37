import type { z } from 'zod/v4';
import type { Logger } from '../logger';
import { describeIssues } from './canon';
import { UmpAuthError, UmpHttpError, UmpShapeError, UmpValidationError } from './errors';
import type { HttpResponse, HttpSend } from './http';
import { redactText } from './redact';
import { parseRetryAfter, retrying, type RetryPolicy } from '../outbound/resilience';
import { problemSchema } from './schemas';
import type { TokenProvider } from './token-provider';

/**
 * Authenticated JSON calls to `{baseUrl}/api/...`: bearer token, one re-authentication after a 401,
 * retries for idempotent calls only, every non-2xx turned into a typed error, every 2xx body parsed.
 */

export interface CallOptions {
  method: 'GET' | 'POST' | 'DELETE';
  /** Relative to baseUrl, starting with `/api/`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  timeoutMs?: number;
  /** Repeat on 408/429/5xx/network/timeout per the retry policy. Never set for the create POST. */
  retry: boolean;
  /** Values to scrub from anything this call logs or throws (e.g. the carrier password). */
  secrets?: string[];
}

export interface ApiResponse {
  status: number;
  /** Parsed JSON, or undefined for an empty body. */
  json: unknown;
  text: string;
}

export interface Api {
  call(opts: CallOptions): Promise<ApiResponse>;
  /** Parse a 2xx body, or throw UmpShapeError keeping the redacted raw body. */
  parse<T extends z.ZodType>(schema: T, res: ApiResponse, opts: Pick<CallOptions, 'method' | 'path' | 'secrets'>): z.output<T>;
}

export interface ApiOptions {
  baseUrl: string;
  http: HttpSend;
  tokens: TokenProvider;
  logger: Logger;
  retry: RetryPolicy;
  requestTimeoutMs: number;
  clientSecret: string;
  now: () => number;
}

export function createApi(o: ApiOptions): Api {
  const secretsOf = (extra: string[] = []) => [o.clientSecret, o.tokens.current() ?? '', ...extra];

  function shapeError(opts: Pick<CallOptions, 'method' | 'path' | 'secrets'>, res: ApiResponse, issues: string[]): UmpShapeError {
    const raw = redactText(res.text, secretsOf(opts.secrets));
    let traceId: string | undefined;
    const problem = problemSchema.safeParse(res.json);
    if (problem.success) traceId = problem.data.traceid;
    return new UmpShapeError(opts.method, opts.path, res.status, issues, raw, { traceId });
  }

  function toError(opts: CallOptions, res: HttpResponse): UmpHttpError {
    let json: unknown;
    try {
      json = res.text.trim() === '' ? undefined : JSON.parse(res.text);
    } catch {
      json = undefined;
    }
    const retryAfterMs = parseRetryAfter(res.header('retry-after'), o.now());
    const problem = problemSchema.safeParse(json);
    const p = problem.success ? problem.data : undefined;
    const details = { traceId: p?.traceid, errorTicket: p?.errorticket, retryAfterMs };
    if (res.status === 400 && p?.errors && Object.keys(p.errors).length > 0) {
      return new UmpValidationError(opts.method, opts.path, p.errors, { ...details, title: p.title });
    }
    const bare = typeof json === 'string' ? json : undefined;
    const rawDetail = p?.detail ?? bare ?? p?.title ?? (json === undefined && res.text.trim() !== '' ? res.text.trim() : undefined);
    const detail = rawDetail === undefined ? undefined : redactText(rawDetail, secretsOf(opts.secrets), 300);
    return new UmpHttpError(opts.method, opts.path, res.status, { ...details, detail });
  }

  async function once(opts: CallOptions, url: string, body: string | undefined): Promise<HttpResponse> {
    const send = (token: string) =>
      o.http({
        method: opts.method,
        url,
        path: opts.path,
        headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        body,
        timeoutMs: opts.timeoutMs ?? o.requestTimeoutMs,
      });
    const token = await o.tokens.get();
    const t0 = o.now();
    let res = await send(token);
    if (res.status === 401) {
      // The token may have been revoked or expired early: one fresh token, one more try.
      o.logger.info({ method: opts.method, path: opts.path }, 'Live Platform answered 401; fetching a new token once');
      o.tokens.invalidate(token);
      res = await send(await o.tokens.get());
    }
    o.logger.debug({ method: opts.method, path: opts.path, status: res.status, ms: o.now() - t0 }, 'Live Platform call');
    if (res.status < 200 || res.status > 299) throw toError(opts, res);
    return res;
  }

  return {
    async call(opts) {
      const url = buildUrl(o.baseUrl, opts.path, opts.query);
      const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
      const res = await retrying(() => once(opts, url, body), {
        policy: o.retry,
        // A token that could not be had was retried by the token provider already: not again here.
        budget: (err) => (opts.retry && !(err instanceof UmpAuthError) ? o.retry.retries : 0),
        now: o.now,
        onRetry: (err, attempt, delayMs) =>
          o.logger.warn({ method: opts.method, path: opts.path, attempt, delayMs, reason: (err as Error).message }, 'Live Platform call failed; retrying'),
      });
      let json: unknown;
      if (res.text.trim() !== '') {
        try {
          json = JSON.parse(res.text);
        } catch {
          throw shapeError(opts, { status: res.status, json: undefined, text: res.text }, ['(body): not valid JSON']);
        }
      }
      return { status: res.status, json, text: res.text };
    },
    parse(schema, res, opts) {
      const parsed = schema.safeParse(res.json);
      if (!parsed.success) throw shapeError(opts, res, describeIssues(parsed.error));
      return parsed.data;
    },
  };
}

export function buildUrl(baseUrl: string, path: string, query?: CallOptions['query']): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}
