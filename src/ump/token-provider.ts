import type { Logger } from '../logger';
import { UmpAuthError, UmpError, UmpHttpError, UmpNetworkError, UmpTimeoutError, type UmpSetting } from './errors';
import type { HttpSend } from './http';
import { redactText } from './redact';
import { isTransientStatus, parseRetryAfter, retrying, type RetryPolicy } from '../outbound/resilience';
import { entraErrorSchema, tokenSchema } from './schemas';

/**
 * Entra client-credentials tokens for Live Platform. One token is cached and shared; it is renewed
 * ahead of expiry, and concurrent callers wait on the same request. There is no refresh token.
 */

export interface TokenProviderOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  timeoutMs: number;
  http: HttpSend;
  logger: Logger;
  retry: RetryPolicy;
  now: () => number;
}

export interface TokenProvider {
  /** A valid token, fetched only when the cached one is due for renewal. */
  get(): Promise<string>;
  /** Forget `token` after the API refused it; a newer token obtained meanwhile is kept. */
  invalidate(token: string): void;
  /** The cached token, if any; only for redacting it out of text. */
  current(): string | undefined;
}

/** Renew this long before expiry, but never earlier than half-way through a short-lived token. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** AADSTS codes whose fix is a specific setting. */
const AADSTS_SETTING: Record<string, UmpSetting> = {
  '700016': 'UMP_CLIENT_ID', // application not found in the directory
  '7000112': 'UMP_CLIENT_ID', // application disabled
  '7000215': 'UMP_CLIENT_SECRET', // invalid client secret (often the secret's id instead of its value)
  '7000222': 'UMP_CLIENT_SECRET', // client secret expired
  '7000216': 'UMP_CLIENT_SECRET', // secret missing
  '70011': 'UMP_SCOPE', // invalid scope
  '500011': 'UMP_SCOPE', // resource principal (the api://… in the scope) not found
  '1002012': 'UMP_SCOPE', // scope not valid
  '90002': 'UMP_TOKEN_URL', // tenant not found
  '900023': 'UMP_TOKEN_URL', // tenant identifier malformed
  '50059': 'UMP_TOKEN_URL', // no tenant in the request
};

function settingFromText(error: string, description: string): UmpSetting {
  const d = description.toLowerCase();
  if (d.includes('scope') || error === 'invalid_scope') return 'UMP_SCOPE';
  if (d.includes('client_secret') || d.includes('secret')) return 'UMP_CLIENT_SECRET';
  if (d.includes('tenant')) return 'UMP_TOKEN_URL';
  if (error === 'invalid_client') return 'UMP_CLIENT_SECRET';
  return 'UMP_CLIENT_ID';
}

export function createTokenProvider(o: TokenProviderOptions): TokenProvider {
  let cached: { token: string; renewAt: number; expiresAt: number } | undefined;
  let inflight: Promise<string> | undefined;
  const path = safePath(o.tokenUrl);
  const known = () => [o.clientSecret, ...(cached ? [cached.token] : [])];

  function authErrorFromBody(status: number, text: string): UmpAuthError {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = entraErrorSchema.safeParse(json);
    if (!parsed.success) {
      const what = status === 404 ? 'the token endpoint does not exist (HTTP 404)' : `the token endpoint answered HTTP ${status} without an Entra error`;
      return new UmpAuthError(status === 404 || status >= 500 ? 'UMP_TOKEN_URL' : 'UMP_CLIENT_ID', what, { status, transient: isTransientStatus(status) });
    }
    const e = parsed.data;
    const description = redactText((e.error_description ?? e.error).split(/\r?\n/)[0].trim(), known(), 400);
    const aadsts = /AADSTS(\d+)/.exec(description)?.[1] ?? (e.error_codes?.[0] !== undefined ? String(e.error_codes[0]) : undefined);
    const setting = (aadsts && AADSTS_SETTING[aadsts]) || settingFromText(e.error, description);
    return new UmpAuthError(setting, `${e.error}: ${description}`, {
      aadsts: aadsts ? `AADSTS${aadsts}` : undefined,
      traceId: e.trace_id,
      status,
      // Entra's own "temporarily_unavailable" and any 5xx: try again, nothing is misconfigured.
      transient: isTransientStatus(status) || e.error === 'temporarily_unavailable',
    });
  }

  async function requestOnce(): Promise<{ token: string; expiresInSec: number }> {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: o.clientId, client_secret: o.clientSecret, scope: o.scope }).toString();
    const res = await o.http({
      method: 'POST',
      url: o.tokenUrl,
      path,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
      timeoutMs: o.timeoutMs,
    });
    if (res.status >= 500 || res.status === 408 || res.status === 429) {
      throw new UmpHttpError('POST', path, res.status, { retryAfterMs: parseRetryAfter(res.header('retry-after')) });
    }
    if (res.status !== 200) throw authErrorFromBody(res.status, res.text);
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      json = undefined;
    }
    const parsed = tokenSchema.safeParse(json);
    if (!parsed.success)
      throw new UmpAuthError('UMP_TOKEN_URL', 'the token endpoint answered 200 but not with an Entra token (is this really the v2 token URL?)', {
        status: 200,
      });
    return { token: parsed.data.access_token, expiresInSec: parsed.data.expires_in };
  }

  async function fetchToken(): Promise<string> {
    try {
      const t = await retrying(requestOnce, {
        policy: o.retry,
        now: o.now,
        onRetry: (err, attempt, delayMs) => o.logger.warn({ attempt, delayMs, reason: (err as Error).message }, 'token request failed; retrying'),
      });
      const ttl = t.expiresInSec * 1000;
      const obtained = o.now();
      cached = { token: t.token, expiresAt: obtained + ttl, renewAt: obtained + Math.max(ttl - RENEW_BEFORE_MS, ttl / 2) };
      o.logger.debug({ expiresInSec: t.expiresInSec }, 'Live Platform access token obtained');
      return t.token;
    } catch (err) {
      throw asAuthError(err);
    }
  }

  return {
    async get() {
      if (cached && o.now() < cached.renewAt) return cached.token;
      const stale = cached;
      inflight ??= fetchToken().finally(() => {
        inflight = undefined;
      });
      try {
        return await inflight;
      } catch (err) {
        // Renewal is early on purpose: a token that has not expired yet is still usable.
        if (stale && cached === stale && o.now() < stale.expiresAt) {
          o.logger.warn({ err }, 'token renewal failed; using the current token until it expires');
          return stale.token;
        }
        throw err;
      }
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
    current: () => cached?.token,
  };
}

/** Transport failures (timeouts, network, 5xx, 429) are transient: the settings are not to blame. */
function asAuthError(err: unknown): UmpError {
  if (err instanceof UmpAuthError) return err;
  if (err instanceof UmpTimeoutError)
    return new UmpAuthError('UMP_TOKEN_URL', `the token endpoint did not answer within ${err.timeoutMs} ms`, { transient: true });
  if (err instanceof UmpNetworkError) return new UmpAuthError('UMP_TOKEN_URL', `could not reach the token endpoint (${err.networkCode})`, { transient: true });
  if (err instanceof UmpHttpError)
    return new UmpAuthError('UMP_TOKEN_URL', `the token endpoint kept failing (HTTP ${err.status})`, {
      status: err.status,
      transient: isTransientStatus(err.status),
    });
  return err instanceof UmpError ? err : new UmpAuthError('UMP_TOKEN_URL', (err as Error).message);
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
