import { DeliveryError } from './messenger';

/**
 * The longest Retry-After from the Bot Connector anything in the bot waits for: botbuilder's own
 * retry (capped by the Teams adapter) and the card updater's. A longer one is not waited for: the
 * send fails and is logged, and the next change goes out as usual.
 */
export const MAX_CONNECTOR_RETRY_AFTER_MS = 60_000;

/** What a failed Bot Connector call tells us, read defensively (botbuilder's RestError shape varies). */
export interface ConnectorFailure {
  status?: number;
  code?: string;
  retryAfterMs?: number;
}

function header(err: Record<string, unknown>, name: string): string | undefined {
  const res = err.response as { headers?: { get?: (n: string) => string | undefined } & Record<string, unknown> } | undefined;
  const h = res?.headers;
  if (!h) return undefined;
  if (typeof h.get === 'function') return h.get(name) ?? undefined;
  const key = Object.keys(h).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : h[key];
  return typeof v === 'string' ? v : undefined;
}

/**
 * How long the connector asked us to wait, read the way botbuilder's retry policy reads it (so the
 * cap and botbuilder agree on what was asked): `retry-after-ms`, then `x-ms-retry-after-ms` (both in
 * milliseconds), then `Retry-After` (seconds, or an HTTP date).
 */
export function connectorRetryAfterMs(header: (name: string) => string | undefined | null, now = Date.now()): number | undefined {
  for (const [name, unitMs] of [
    ['retry-after-ms', 1],
    ['x-ms-retry-after-ms', 1],
    ['retry-after', 1000],
  ] as const) {
    const v = header(name);
    if (!v) continue;
    const n = Number(v);
    if (!Number.isNaN(n)) return Math.max(0, n * unitMs);
  }
  const date = header('retry-after');
  const at = date ? Date.parse(date) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function describeConnectorError(e: unknown): ConnectorFailure {
  if (e instanceof DeliveryError) return { status: e.status, code: e.code, retryAfterMs: e.retryAfterMs };
  if (!e || typeof e !== 'object') return {};
  const err = e as Record<string, unknown>;
  const status = (err.statusCode ?? err.status) as number | undefined;
  let code: string | undefined;
  const res = err.response as { bodyAsText?: string; parsedBody?: { error?: { code?: string } } } | undefined;
  code = res?.parsedBody?.error?.code;
  if (!code && typeof res?.bodyAsText === 'string') {
    try {
      code = (JSON.parse(res.bodyAsText) as { error?: { code?: string } }).error?.code;
    } catch {
      /* not JSON */
    }
  }
  if (!code && typeof err.message === 'string') {
    code = /(BotNotInConversationRoster|ConversationNotFound|ActivityNotFoundInConversation|MessageSizeTooBig)/.exec(err.message)?.[1];
  }
  return { status: typeof status === 'number' ? status : undefined, code, retryAfterMs: connectorRetryAfterMs((name) => header(err, name)) };
}

/**
 * How many more times we try after this failure, on top of what botbuilder did itself. botbuilder
 * 4.23 already retries 408, 500, 502 and 504 (3 times, with backoff), and 429/503 only when a
 * Retry-After header came (a Retry-After above MAX_CONNECTOR_RETRY_AFTER_MS is not waited for: the
 * Teams adapter fails the call at once, and nextDelay refuses it here too). So: 429, 503 and 412 get
 * our full budget; 502/504 one more round (each round is botbuilder's 3); other codes none (Teams
 * says not to retry them).
 */
export function retryBudget(f: ConnectorFailure, full: number): number {
  if (f.status === 429 || f.status === 503 || f.status === 412) return full;
  if (f.status === 502 || f.status === 504) return Math.min(full, 2);
  // No status and no code: the request never got an answer (connection refused, reset).
  if (f.status === undefined && f.code === undefined) return full;
  return 1;
}

/** The message can no longer be edited: post a fresh one instead (if the bot is still in the conversation). */
export function isGone(f: ConnectorFailure): boolean {
  if (f.code === 'ConversationNotFound') return false;
  return f.status === 404 || f.code === 'ActivityNotFoundInConversation';
}

export function botRemoved(f: ConnectorFailure): boolean {
  return f.code === 'BotNotInConversationRoster' || f.code === 'ConversationNotFound' || f.status === 403;
}
