import type { UmpKey } from '../config';

/**
 * The Live Platform client's error family. Every error has a `userMessage` that is safe to show in
 * chat (no secrets, no raw bodies) and says what to do; `message` is for the log.
 * UmpValidationError is a UmpHttpError (it is a 400), so check it first when telling them apart.
 */

export type UmpSetting = Exclude<UmpKey, 'UMP_BASE_URL'>;

interface UmpErrorOptions {
  traceId?: string;
  errorTicket?: string;
  cause?: unknown;
}

function supportRef(traceId?: string, errorTicket?: string): string {
  const parts = [errorTicket && `error ticket ${errorTicket}`, traceId && `trace id ${traceId}`].filter(Boolean);
  return parts.length > 0 ? ` Reference for support: ${parts.join(', ')}.` : '';
}

export abstract class UmpError extends Error {
  abstract readonly code: string;
  readonly userMessage: string;
  readonly traceId?: string;
  readonly errorTicket?: string;

  protected constructor(message: string, userMessage: string, opts: UmpErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.traceId = opts.traceId;
    this.errorTicket = opts.errorTicket;
    this.userMessage = userMessage + supportRef(opts.traceId, opts.errorTicket);
  }
}

export interface UmpHttpErrorDetails extends UmpErrorOptions {
  /** `detail`, `title` or the bare-string body the server sent, redacted and shortened. */
  detail?: string;
  /** Milliseconds the server asked us to wait (Retry-After). */
  retryAfterMs?: number;
}

function httpUserMessage(status: number, detail?: string): string {
  const said = detail ? ` It said: "${detail}".` : '';
  if (status === 401) {
    return "Live Platform did not accept the bot's access token, even after signing in again. An administrator should check that UMP_SCOPE names the Live Platform application (api://<app-id>/.default) and that the app registration UMP_CLIENT_ID is allowed to use it.";
  }
  if (status === 403)
    return `Live Platform refused this operation (HTTP 403).${said} The app registration UMP_CLIENT_ID needs permission for it: ask the Live Platform administrator.`;
  if (status === 404) return `Live Platform could not find what was asked for (HTTP 404).${said}`;
  if (status === 408 || status === 429 || status >= 500)
    return `Live Platform is busy or unavailable (HTTP ${status}).${said} Try again in a few minutes; if it keeps failing, contact support.`;
  return `Live Platform rejected the request (HTTP ${status}).${said}`;
}

export class UmpHttpError extends UmpError {
  readonly code: string = 'UMP_HTTP';
  readonly detail?: string;
  readonly retryAfterMs?: number;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    details: UmpHttpErrorDetails = {},
    userMessage = httpUserMessage(status, details.detail),
  ) {
    super(`${method} ${path} answered HTTP ${status}${details.detail ? `: ${details.detail}` : ''}`, userMessage, details);
    this.detail = details.detail;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** HTTP 400 with an ASP.NET ValidationProblemDetails body: one list of messages per field. */
export class UmpValidationError extends UmpHttpError {
  override readonly code = 'UMP_VALIDATION';

  constructor(
    method: string,
    path: string,
    readonly fieldErrors: Record<string, string[]>,
    details: UmpHttpErrorDetails & { title?: string } = {},
  ) {
    const lines = Object.entries(fieldErrors).flatMap(([field, msgs]) => msgs.map((m) => `${field}: ${m}`));
    const listed = lines.length > 0 ? lines.join('; ') : (details.title ?? 'no details given');
    super(method, path, 400, { ...details, detail: listed }, `Live Platform rejected the request: ${listed.replace(/\.$/, '')}. Correct it and submit again.`);
  }
}

export class UmpTimeoutError extends UmpError {
  readonly code = 'UMP_TIMEOUT';
  readonly transient = true;
  constructor(
    readonly method: string,
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(
      `${method} ${path} got no answer within ${timeoutMs} ms`,
      `Live Platform did not answer within ${Math.round(timeoutMs / 1000)} s. Try again in a few minutes; if it keeps happening, an administrator can raise UMP_TIMEOUT_MS.`,
    );
  }
}

export class UmpNetworkError extends UmpError {
  readonly code = 'UMP_NETWORK';
  readonly transient = true;
  constructor(
    readonly method: string,
    readonly path: string,
    /** The system error code, e.g. ECONNREFUSED, ECONNRESET, ENOTFOUND. */
    readonly networkCode: string,
    cause?: unknown,
  ) {
    super(
      `${method} ${path} failed: network error ${networkCode}`,
      `The bot could not reach Live Platform (${networkCode}). An administrator should check UMP_BASE_URL and the network path from the bot to Live Platform.`,
      { cause },
    );
  }
}

/** The call worked but the answer is not what docs/live-platform-api.md describes. Kept apart from HTTP errors. */
export class UmpShapeError extends UmpError {
  readonly code = 'UMP_SHAPE';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    /** What did not match, e.g. `id: expected string`. */
    readonly issues: string[],
    /** The body as received, secrets redacted and length capped; for the log only. */
    readonly rawBody: string,
    opts: UmpErrorOptions = {},
  ) {
    super(
      `${method} ${path} (HTTP ${status}) answered an unexpected shape: ${issues.slice(0, 5).join('; ')}`,
      "Live Platform sent an answer the bot does not understand. The details are in the bot's log; please report this to the bot's administrators.",
      opts,
    );
  }
}

/** The token endpoint refused us or could not be used. The message names the setting to check. */
export class UmpAuthError extends UmpError {
  readonly code = 'UMP_AUTH';
  constructor(
    readonly setting: UmpSetting,
    /** Why, in words, including the AADSTS code and its first sentence when Entra sent one. */
    readonly reason: string,
    opts: UmpErrorOptions & { aadsts?: string; status?: number; transient?: boolean } = {},
  ) {
    super(
      opts.transient
        ? `Could not get a Live Platform access token: ${reason} (a transport failure; will try again).`
        : `Could not get a Live Platform access token: ${reason}. Check ${setting}.`,
      opts.transient
        ? `The bot could not reach Microsoft's sign-in for Live Platform (${reason}); it keeps trying.`
        : `The bot could not sign in to Live Platform (${opts.aadsts ?? reason}). An administrator should check the setting ${setting}.`,
      opts,
    );
    this.aadsts = opts.aadsts;
    this.status = opts.status;
    this.transient = opts.transient ?? false;
  }
  readonly aadsts?: string;
  readonly status?: number;
  /**
   * The token endpoint did not answer (timeout, network, 5xx, 429): nothing is wrong with the
   * settings and nothing was refused, so callers retry instead of failing the request.
   */
  readonly transient: boolean;
}

/** The deployment failed before the server gave us a customer to follow. */
export class UmpDeploymentError extends UmpError {
  readonly code = 'UMP_DEPLOYMENT';
  constructor(
    readonly errorDetails: string,
    opts: UmpErrorOptions = {},
  ) {
    super(`Live Platform reported a failed deployment: ${errorDetails}`, `Live Platform could not create the customer: ${errorDetails}`, opts);
  }
}
