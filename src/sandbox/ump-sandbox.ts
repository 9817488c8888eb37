import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { UmpKey } from '../config';
import { resolveRoute, type RouteContext } from './api-routes';
import { createControlApi, settingsPatchSchema } from './control-api';
import { progressAt } from './deployment';
import { applyAfter, applyBefore } from './fault-effects';
import { createFaultQueue, describeFault, type FaultInput } from './faults';
import { json, listen, problem, readBody, writeReply, type Reply } from './http-kit';
import { createRequestLog, redactBody, type RecordedRequest, type RouteName } from './request-log';
import { maxConcurrent, seededState, type ProgressMode, type SandboxSettings, type SandboxState } from './state';
import { createTokenStore, handleTokenRequest, type TokenSettings } from './token-endpoint';

/**
 * A local Live Platform (UMP-365) that behaves as docs/live-platform-api.md documents: an Entra-like
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
  /** The bot's UMP_* settings that point it at this sandbox. */
  botSettings: Record<UmpKey, string>;
  close(): Promise<void>;
}

export interface SandboxCustomerView {
  guid: string;
  shortName: string;
  msTenantId: string;
  deploymentState: string;
  steps: number;
  /** When the create was accepted (epoch ms); step k (0-based) completes at startedAt + k × stepMs. */
  startedAt: number;
  stepMs: number;
  jobId?: string;
}

export interface UmpSandbox {
  start(port?: number, host?: string): Promise<RunningSandbox>;
  /** Every call received so far (control endpoints excepted), oldest first, secrets redacted. */
  requests(): RecordedRequest[];
  /** Calls per route since the last clear, however many (the list above keeps the last 5,000). */
  requestCounts(): Partial<Record<RouteName, number>>;
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
  /** The most deployments Live Platform ran at the same instant so far (since the last reset). */
  maxConcurrentDeployments(): number;
  /** Short names in the order their creates arrived. */
  deploymentOrder(): string[];
  readonly credentials: { clientId: string; clientSecret: string; scope: string; tenant: string };
}

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
      return {
        guid: c.guid,
        shortName: c.shortName,
        msTenantId: c.msTenantId,
        deploymentState: p.state,
        steps: p.steps.length,
        startedAt: c.startedAt,
        stepMs: c.stepMs,
        ...(c.jobId ? { jobId: c.jobId } : {}),
      };
    });
  }

  function reset(): void {
    state = seededState();
    settings = { ...initial };
    faults.clear();
    log.clear();
  }

  const control = createControlApi({
    log,
    faults,
    tokens,
    configure,
    reset,
    settings: () => settings,
    state: () => state,
    customers: customersView,
    credentials,
  });

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
        const early = await applyBefore(fault, sleep);
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
        reply = {
          status: 401,
          headers: {
            'WWW-Authenticate': `Bearer error="invalid_token", error_description="The access token is ${auth === 'none' ? 'missing' : 'invalid or expired'}"`,
          },
        };
      } else if (!resolved?.route) {
        reply = resolved?.status === 405 ? json(405, `Method ${method} is not allowed on ${path}`) : json(404, `No endpoint ${method} ${path}`);
      } else {
        reply = await resolved.route.handle(ctx, { method, path: apiPath, query: url.searchParams, bodyText: text }, resolved.params);
      }
      finish(fault ? await applyAfter(fault, reply, sleep) : reply);
    } catch (err) {
      finish(problem(500, 'Sandbox error', err instanceof Error ? err.message : String(err)));
    }
  }

  let server: Server | undefined;

  return {
    credentials,
    async start(port = SANDBOX_DEFAULTS.port, host = '127.0.0.1') {
      if (server) throw new Error('this sandbox is already started');
      closed = false;
      const srv = createServer((req, res) => void handle(req, res));
      server = srv;
      const addr = await listen(srv, port, host);
      const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      const url = `http://${shownHost}:${addr.port}`;
      const baseUrl = `${url}${API_PREFIX}`;
      const tokenUrl = `${url}/${credentials.tenant}/oauth2/v2.0/token`;
      return {
        url,
        baseUrl,
        tokenUrl,
        botSettings: {
          UMP_BASE_URL: baseUrl,
          UMP_TOKEN_URL: tokenUrl,
          UMP_CLIENT_ID: credentials.clientId,
          UMP_CLIENT_SECRET: credentials.clientSecret,
          UMP_SCOPE: credentials.scope,
        },
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
    requestCounts: () => log.counts(),
    clearRequests: () => log.clear(),
    setMode: (mode) => void configure({ mode }),
    configure,
    settings: () => ({ ...settings }),
    inject: (...f) => faults.add(...f),
    clearFaults: () => faults.clear(),
    expireTokens: () => tokens.expireAll(),
    reset,
    customers: customersView,
    maxConcurrentDeployments: () => maxConcurrent(state.deployments),
    deploymentOrder: () => state.deployments.map((d) => d.shortName),
  };
}
