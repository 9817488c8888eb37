import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod/v4';
import { resolveRoute, type RouteContext } from './api-routes';
import { progressAt } from './deployment';
import { createFaultQueue, describeFault, faultSchema, type Fault, type FaultInput } from './faults';
import { bodyText, json, problem, readBody, writeReply, type Reply } from './http-kit';
import { createRequestLog, redactBody, type RecordedRequest, type RouteName } from './request-log';
import { seededState, type ProgressMode, type SandboxSettings, type SandboxState } from './state';
import { createTokenStore, handleTokenRequest, type TokenSettings } from './token-endpoint';

/**
 * A local Live Platform (UMP-365) that behaves as /work/shared/ump-api.md documents: an Entra-like
 * token endpoint, the customer/task/script-template endpoints under /tenantui, server-side validation,
 * deployments that progress over time, three progress styles, and deterministic faults. State is in
 * memory and inspectable over `/_sandbox/*` (no auth there: it is a local test tool).
 */

export type { Casing, ProgressMode, SandboxSettings } from './state';
export type { FaultInput } from './faults';
export type { RecordedRequest, RouteName } from './request-log';

export const SANDBOX_DEFAULTS = {
  port: 4010,
  tenant: 'sandbox-tenant',
  clientId: 'sandbox-client',
  clientSecret: 'sandbox-secret',
  scope: 'api://ump-sandbox/.default',
} as const;

export interface UmpSandboxOptions extends Partial<SandboxSettings> {
  clientId?: string;
  clientSecret?: string;
  scope?: string;
  /** The tenant segment of the token URL: `/{tenant}/oauth2/v2.0/token`. */
  tenant?: string;
  /** Called when a recorded request has been answered (e.g. to print it). */
  onRequest?: (r: RecordedRequest) => void;
  /** Clock for deployments and token expiry. */
  now?: () => number;
}

export interface RunningSandbox {
  /** Origin, e.g. http://127.0.0.1:4010. */
  url: string;
  /** What the bot calls UMP_BASE_URL: origin + /tenantui. */
  baseUrl: string;
  tokenUrl: string;
  close(): Promise<void>;
}

export interface SandboxCustomerView {
  guid: string;
  shortName: string;
  msTenantId: string;
  deploymentState: string;
  steps: number;
  jobId?: string;
}

export interface UmpSandbox {
  start(port?: number, host?: string): Promise<RunningSandbox>;
  /** Every call received so far (control endpoints excepted), oldest first, secrets redacted. */
  requests(): RecordedRequest[];
  clearRequests(): void;
  setMode(mode: ProgressMode): void;
  configure(patch: Partial<SandboxSettings>): SandboxSettings;
  settings(): SandboxSettings;
  /** Queue faults; see faults.ts for kinds and matching. */
  inject(...faults: FaultInput[]): void;
  clearFaults(): void;
  /** Every token issued so far stops working (the next API call gets a 401). */
  expireTokens(): void;
  /** Back to the seeded data and the construction settings; log and faults cleared. Tokens stay valid. */
  reset(): void;
  customers(): SandboxCustomerView[];
  readonly credentials: { clientId: string; clientSecret: string; scope: string; tenant: string };
}

const settingsPatchSchema = z
  .object({
    mode: z.enum(['sync', 'poll', 'task']),
    stepMs: z.number().int().min(0),
    slowMs: z.number().int().min(0),
    casing: z.enum(['documented', 'drifted']),
    pageSize: z.number().int().min(1).max(100),
    uniqueTenant: z.boolean(),
    tokenTtlSec: z.number().int().min(1),
  })
  .partial()
  .strict();

const configBodySchema = settingsPatchSchema.extend({
  faults: z.array(faultSchema).optional(),
  clearFaults: z.boolean().optional(),
  expireTokens: z.boolean().optional(),
});

const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token\/?$/i;
const API_PREFIX = '/tenantui';

export function createUmpSandbox(opts: UmpSandboxOptions = {}): UmpSandbox {
  const now = opts.now ?? Date.now;
  const initial: SandboxSettings = {
    mode: opts.mode ?? 'poll',
    stepMs: opts.stepMs ?? 2000,
    slowMs: opts.slowMs ?? 5000,
    casing: opts.casing ?? 'documented',
    pageSize: opts.pageSize ?? 10,
    uniqueTenant: opts.uniqueTenant ?? true,
    tokenTtlSec: opts.tokenTtlSec ?? 3599,
  };
  const credentials = {
    clientId: opts.clientId ?? SANDBOX_DEFAULTS.clientId,
    clientSecret: opts.clientSecret ?? SANDBOX_DEFAULTS.clientSecret,
    scope: opts.scope ?? SANDBOX_DEFAULTS.scope,
    tenant: opts.tenant ?? SANDBOX_DEFAULTS.tenant,
  };
  let settings: SandboxSettings = { ...initial };
  let state: SandboxState = seededState();
  const tokens = createTokenStore();
  const faults = createFaultQueue();
  const log = createRequestLog();
  const waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closed = false;

  /** Waits that a close cuts short, so no test is left waiting on a timer. */
  function sleep(ms: number): Promise<void> {
    if (ms <= 0 || closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          waits.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      waits.add(entry);
    });
  }

  const ctx: RouteContext = { state: () => state, settings: () => settings, now, sleep };

  function configure(patch: Partial<SandboxSettings>): SandboxSettings {
    settings = { ...settings, ...settingsPatchSchema.parse(patch) };
    return { ...settings };
  }

  function tokenSettings(): TokenSettings {
    return { ...credentials, tokenTtlSec: settings.tokenTtlSec };
  }

  function authOf(req: IncomingMessage): 'valid' | 'invalid' | 'none' {
    const h = req.headers.authorization;
    if (!h) return 'none';
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    return m && tokens.isValid(m[1], now()) ? 'valid' : 'invalid';
  }

  function customersView(): SandboxCustomerView[] {
    return [...state.customers.values()].map((c) => {
      const p = progressAt(c, now());
      return { guid: c.guid, shortName: c.shortName, msTenantId: c.msTenantId, deploymentState: p.state, steps: p.steps.length, ...(c.jobId ? { jobId: c.jobId } : {}) };
    });
  }

  function reset(): void {
    state = seededState();
    settings = { ...initial };
    faults.clear();
    log.clear();
  }

  function control(method: string, path: string, text: string): Reply {
    const sub = path.slice('/_sandbox'.length).replace(/\/+$/, '') || '/';
    if (method === 'GET' && sub === '/requests') return json(200, log.list());
    if (method === 'DELETE' && sub === '/requests') {
      log.clear();
      return json(200, { cleared: true });
    }
    if (method === 'GET' && sub === '/config') return json(200, { settings, faults: faults.pending(), credentials: { clientId: credentials.clientId, scope: credentials.scope, tenant: credentials.tenant } });
    if (method === 'POST' && sub === '/config') {
      let body: unknown;
      try {
        body = text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        return json(400, { error: 'body is not JSON' });
      }
      const parsed = configBodySchema.safeParse(body);
      if (!parsed.success) return json(400, { error: 'invalid sandbox config', issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`) });
      const { faults: newFaults, clearFaults, expireTokens, ...patch } = parsed.data;
      if (clearFaults) faults.clear();
      if (newFaults) faults.add(...newFaults);
      if (expireTokens) tokens.expireAll();
      configure(patch);
      return json(200, { settings, faults: faults.pending() });
    }
    if (method === 'POST' && sub === '/reset') {
      reset();
      return json(200, { reset: true, settings });
    }
    if (method === 'GET' && sub === '/state') {
      return json(200, { customers: customersView(), sbcs: state.sbcs, channels: state.channels, lcCustomers: state.lcCustomers, scriptTemplates: state.scripts.length });
    }
    return json(404, { error: `unknown sandbox control endpoint ${method} ${path}`, endpoints: ['GET /_sandbox/requests', 'DELETE /_sandbox/requests', 'GET|POST /_sandbox/config', 'POST /_sandbox/reset', 'GET /_sandbox/state'] });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => undefined);
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const path = url.pathname;
    let text: string;
    try {
      text = await readBody(req);
    } catch {
      return writeReply(res, json(413, { error: 'request body too large' }));
    }

    if (path === '/_sandbox' || path.startsWith('/_sandbox/')) return writeReply(res, control(method, path, text));

    const tokenMatch = TOKEN_PATH.exec(path);
    const isApi = path.toLowerCase() === API_PREFIX || path.toLowerCase().startsWith(`${API_PREFIX}/`);
    const apiPath = isApi ? path.slice(API_PREFIX.length) || '/' : undefined;
    const resolved = apiPath !== undefined ? resolveRoute(method, apiPath) : undefined;
    const routeName: RouteName = tokenMatch ? 'token' : (resolved?.route?.name ?? 'unknown');
    const auth = tokenMatch ? 'none' : authOf(req);
    const rec = log.add({
      at: new Date().toISOString(),
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      route: routeName,
      auth,
      ...(text !== '' ? { body: redactBody(text, req.headers['content-type']) } : {}),
    });

    let dropped = false;
    res.on('close', () => {
      if (!res.writableFinished && !dropped) rec.clientGone = true;
    });
    const fault = faults.take({ method, apiPath, isToken: Boolean(tokenMatch) });
    if (fault) rec.fault = describeFault(fault);

    const finish = (reply: Reply | 'drop') => {
      if (closed) return;
      if (reply === 'drop') {
        dropped = true;
        rec.status = 0;
        req.socket.destroy();
      } else {
        rec.status = reply.status;
        writeReply(res, reply);
      }
      opts.onRequest?.({ ...rec });
    };

    try {
      if (fault && !('after' in fault && fault.after)) {
        const early = await applyBefore(fault);
        if (early) return finish(early);
      }
      let reply: Reply;
      if (tokenMatch) {
        if (method !== 'POST') reply = json(405, { error: 'invalid_request', error_description: 'The token endpoint only accepts POST.' });
        else reply = handleTokenRequest(decodeURIComponent(tokenMatch[1]), new URLSearchParams(text), tokenSettings(), tokens, now());
      } else if (apiPath === undefined) {
        reply = json(404, `No Live Platform endpoint at ${path}; the API lives under ${API_PREFIX}/api/...`);
      } else if (auth !== 'valid') {
        // Undocumented; assumed: an empty body and a WWW-Authenticate challenge.
        reply = { status: 401, headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="The access token is ${auth === 'none' ? 'missing' : 'invalid or expired'}"` } };
      } else if (!resolved?.route) {
        reply = resolved?.status === 405 ? json(405, `Method ${method} is not allowed on ${path}`) : json(404, `No endpoint ${method} ${path}`);
      } else {
        reply = await resolved.route.handle(ctx, { method, path: apiPath, query: url.searchParams, bodyText: text }, resolved.params);
      }
      finish(fault ? await applyAfter(fault, reply) : reply);
    } catch (err) {
      finish(problem(500, 'Sandbox error', err instanceof Error ? err.message : String(err)));
    }
  }

  /** A fault that acts before the request is handled: the request has no effect. */
  async function applyBefore(f: Fault): Promise<Reply | 'drop' | undefined> {
    switch (f.kind) {
      case 'status':
        return faultStatus(f);
      case 'drop':
        return 'drop';
      case 'delay':
        await sleep(f.ms);
        return undefined;
      case 'malformed':
        return undefined; // spoils the real answer, below
    }
  }

  /** A fault that acts on the answer of a request that was handled. */
  async function applyAfter(f: Fault, reply: Reply): Promise<Reply | 'drop'> {
    switch (f.kind) {
      case 'status':
        return f.after ? faultStatus(f) : reply;
      case 'drop':
        return f.after ? 'drop' : reply;
      case 'delay':
        if (f.after) await sleep(f.ms);
        return reply;
      case 'malformed': {
        const text = bodyText(reply) || '{"id":"';
        return { status: 200, raw: text.slice(0, Math.max(1, Math.floor(text.length / 2))), headers: { 'Content-Type': 'application/json; charset=utf-8' } };
      }
    }
  }

  function faultStatus(f: Extract<Fault, { kind: 'status' }>): Reply {
    const reply = f.status === 401 ? { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } } : problem(f.status, f.status >= 500 ? 'Service unavailable (sandbox fault)' : 'Sandbox fault', `Injected fault: HTTP ${f.status}.`);
    if (f.retryAfterSec !== undefined) reply.headers = { ...reply.headers, 'Retry-After': String(f.retryAfterSec) };
    return reply;
  }

  let server: Server | undefined;

  return {
    credentials,
    async start(port = SANDBOX_DEFAULTS.port, host = '127.0.0.1') {
      if (server) throw new Error('this sandbox is already started');
      closed = false;
      const srv = createServer((req, res) => void handle(req, res));
      server = srv;
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, host, () => {
          srv.off('error', reject);
          resolve();
        });
      });
      const addr = srv.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      const url = `http://${shownHost}:${addr.port}`;
      return {
        url,
        baseUrl: `${url}${API_PREFIX}`,
        tokenUrl: `${url}/${credentials.tenant}/oauth2/v2.0/token`,
        close: async () => {
          closed = true;
          for (const w of waits) {
            clearTimeout(w.timer);
            w.resolve();
          }
          waits.clear();
          srv.closeAllConnections();
          await new Promise<void>((resolve) => srv.close(() => resolve()));
          server = undefined;
        },
      };
    },
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    setMode: (mode) => void configure({ mode }),
    configure,
    settings: () => ({ ...settings }),
    inject: (...f) => faults.add(...f),
    clearFaults: () => faults.clear(),
    expireTokens: () => tokens.expireAll(),
    reset,
    customers: customersView,
  };
}
