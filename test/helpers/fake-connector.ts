import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import { capture } from '../leak-scan/recorder';

/**
 * A stub Bot Connector (the service behind an activity's `serviceUrl`): a real HTTP server on
 * 127.0.0.1 that records what the bot sends and answers like the connector does, with failures
 * injectable on the next N matching calls.
 *
 *   POST   /v3/conversations/{conversationId}/activities               send     → 201 {id: <new id>}
 *   POST   /v3/conversations/{conversationId}/activities/{replyToId}   reply    → 201 {id: <new id>}
 *   PUT    /v3/conversations/{conversationId}/activities/{activityId}  edit     → 200 {id: activityId}
 *   DELETE /v3/conversations/{conversationId}/activities/{activityId}  delete   → 200
 *
 * The REST API allows 200, 201 or 202 for posts; answering 201 makes code that insists on 200
 * fail here rather than in production. Anything else is recorded as `unknown` and answered 404.
 */

export type CallKind = 'send' | 'reply' | 'edit' | 'delete' | 'unknown';

/** What the bot sent; JSON, so `timestamp` is a string on the wire whatever the type says. */
export type SentActivity = Partial<Activity>;

export interface RecordedCall {
  method: string;
  /** Path as received, still URL-encoded. */
  path: string;
  kind: CallKind;
  /** Decoded, e.g. `19:abc@thread.tacv2;messageid=1700000000000`. Empty for unknown routes. */
  conversationId: string;
  /** Decoded: the replied-to activity for a reply, the target for an edit or delete. */
  activityId?: string;
  body: SentActivity | undefined;
  /** Whether an Authorization header came along (bots in anonymous mode send none). */
  hasAuthorization: boolean;
  /** Status the fake answered with. */
  status: number;
  /** Set when the answer was an injected failure. */
  injected: boolean;
  /** Id handed back for an accepted send or reply. */
  responseId?: string;
  /** Date.now() on arrival; for ordering and debugging, not for timing assertions. */
  at: number;
}

export interface FailureSpec {
  status: number;
  /** JSON body (a string is sent as-is). Defaults to a connector-style `{error:{code,message}}`. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Only calls with this method fail; default any. */
  method?: 'POST' | 'PUT' | 'DELETE';
  /** Only calls about this activity (the edited one, or the replied-to one) fail; default any. */
  activityId?: string;
}

export interface FakeConnector {
  /** The serviceUrl to put into incoming activities; ends with '/'. */
  url: string;
  /** Every call, in arrival order, failures included. */
  sent: RecordedCall[];
  /** Accepted sends and replies, typing indicators left out. */
  replies(): RecordedCall[];
  /** Accepted edits, optionally of one activity only. */
  edits(activityId?: string): RecordedCall[];
  /** Answer the next `n` matching send, reply, edit or delete calls with this failure. Rules queue in order. */
  failNext(n: number, spec: FailureSpec): void;
  /** The body of the next accepted edit of `activityId` arriving after this call. */
  nextEdit(activityId: string, opts?: { timeoutMs?: number }): Promise<SentActivity>;
  /** First recorded call matching `predicate`, already recorded or yet to come. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Forget recorded calls and pending failures; ids keep counting so they stay unique. */
  reset(): void;
  close(): Promise<void>;
}

/** Ready-made failures, shaped like the connector's. Add `method` / `activityId` to narrow them. */
export const failures = {
  throttled: (retryAfterSeconds?: number): FailureSpec => ({
    status: 429,
    headers: retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
  }),
  preconditionFailed: (): FailureSpec => ({ status: 412 }),
  serverError: (status: 500 | 502 | 503 | 504 = 500): FailureSpec => ({ status }),
  botNotInRoster: (): FailureSpec => ({
    status: 403,
    body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } },
  }),
  conversationNotFound: (): FailureSpec => ({
    status: 404,
    body: { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } },
  }),
  activityNotFound: (): FailureSpec => ({
    status: 404,
    body: { error: { code: 'ActivityNotFoundInConversation', message: 'The activity was not found in the conversation.' } },
  }),
  messageTooBig: (): FailureSpec => ({
    status: 413,
    body: { error: { code: 'MessageSizeTooBig', message: 'Message size too big.' } },
  }),
};

const DEFAULT_ERROR_CODES: Record<number, string> = {
  400: 'BadArgument',
  403: 'Forbidden',
  404: 'NotFound',
  412: 'PreconditionFailed',
  413: 'MessageSizeTooBig',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

const ROUTE = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;
const DEFAULT_WAIT_MS = 2000;

interface Waiter {
  predicate: (call: RecordedCall) => boolean;
  resolve: (call: RecordedCall) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const sent: RecordedCall[] = [];
  let rules: Array<FailureSpec & { remaining: number }> = [];
  const waiters = new Set<Waiter>();
  let nextId = 1_700_000_000_000;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res));
  });

  function handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = parseRoute(method, path);
    capture('connector', raw, `${method} ${path}`);
    let body: SentActivity | undefined;
    let badJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw) as SentActivity;
      } catch {
        badJson = true;
      }
    }
    const call: RecordedCall = {
      method,
      path,
      kind: route.kind,
      conversationId: route.conversationId,
      activityId: route.activityId,
      body,
      hasAuthorization: req.headers.authorization !== undefined,
      status: 0,
      injected: false,
      at: Date.now(),
    };

    let status: number;
    let payload: unknown;
    let headers: Record<string, string> = {};
    const rule = route.kind === 'unknown' ? undefined : rules.find((r) => r.remaining > 0 && matches(r, call));
    if (route.kind === 'unknown') {
      [status, payload] = [404, errorBody(404, `No such connector route: ${method} ${path}`)];
    } else if (badJson || ((route.kind === 'send' || route.kind === 'reply' || route.kind === 'edit') && !isObject(body))) {
      [status, payload] = [400, errorBody(400, 'The request body must be an activity in JSON.')];
    } else if (rule) {
      rule.remaining -= 1;
      rules = rules.filter((r) => r.remaining > 0);
      status = rule.status;
      payload = rule.body === undefined ? errorBody(rule.status, `Injected failure ${rule.status}`) : rule.body;
      headers = rule.headers ?? {};
      call.injected = true;
    } else if (route.kind === 'edit') {
      [status, payload] = [200, { id: route.activityId }];
    } else if (route.kind === 'delete') {
      [status, payload] = [200, undefined];
    } else {
      call.responseId = String(++nextId);
      [status, payload] = [201, { id: call.responseId }];
    }
    call.status = status;
    sent.push(call);
    for (const w of [...waiters]) {
      if (w.predicate(call)) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(call);
      }
    }

    const text = payload === undefined ? '' : typeof payload === 'string' ? payload : JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  function waitForNew(predicate: (call: RecordedCall) => boolean, timeoutMs: number, what: string): Promise<RecordedCall> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`Fake connector: no ${what} within ${timeoutMs} ms. Calls so far:\n${summarise(sent)}`));
        }, timeoutMs),
      };
      waiters.add(waiter);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const accepted = (c: RecordedCall) => c.status >= 200 && c.status < 300;

  return {
    url: `http://127.0.0.1:${port}/`,
    sent,
    replies: () => sent.filter((c) => (c.kind === 'send' || c.kind === 'reply') && accepted(c) && c.body?.type !== 'typing'),
    edits: (activityId) => sent.filter((c) => c.kind === 'edit' && accepted(c) && (activityId === undefined || c.activityId === activityId)),
    failNext(n, spec) {
      if (!Number.isInteger(n) || n < 1) throw new Error(`failNext: n must be a positive integer, got ${n}`);
      rules.push({ ...spec, remaining: n });
    },
    async nextEdit(activityId, opts = {}) {
      const call = await waitForNew(
        (c) => c.kind === 'edit' && accepted(c) && c.activityId === activityId,
        opts.timeoutMs ?? DEFAULT_WAIT_MS,
        `edit of activity ${activityId}`,
      );
      return call.body ?? {};
    },
    waitFor(predicate, timeoutMs = DEFAULT_WAIT_MS) {
      const seen = sent.find(predicate);
      return seen ? Promise.resolve(seen) : waitForNew(predicate, timeoutMs, 'matching call');
    },
    reset() {
      sent.length = 0;
      rules = [];
    },
    close() {
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error('Fake connector closed while waiting'));
      }
      waiters.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function parseRoute(method: string, path: string): { kind: CallKind; conversationId: string; activityId?: string } {
  const unknown = { kind: 'unknown' as const, conversationId: '' };
  const m = ROUTE.exec(path);
  if (!m) return unknown;
  const conversationId = safeDecode(m[1]);
  const activityId = m[2] === undefined ? undefined : safeDecode(m[2]);
  if (conversationId === undefined || (m[2] !== undefined && activityId === undefined)) return unknown;
  if (method === 'POST') return { kind: activityId === undefined ? 'send' : 'reply', conversationId, activityId };
  if (method === 'PUT' && activityId !== undefined) return { kind: 'edit', conversationId, activityId };
  if (method === 'DELETE' && activityId !== undefined) return { kind: 'delete', conversationId, activityId };
  return unknown;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function matches(rule: FailureSpec, call: RecordedCall): boolean {
  return (rule.method === undefined || rule.method === call.method) && (rule.activityId === undefined || rule.activityId === call.activityId);
}

function errorBody(status: number, message: string): { error: { code: string; message: string } } {
  return { error: { code: DEFAULT_ERROR_CODES[status] ?? 'ServiceError', message } };
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function summarise(calls: RecordedCall[]): string {
  if (calls.length === 0) return '  (none)';
  return calls.map((c) => `  ${c.method} ${c.path} → ${c.status}${c.body?.type ? ` [${c.body.type}]` : ''}`).join('\n');
}
