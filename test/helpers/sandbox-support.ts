import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger';
import { createUmpSandbox, type RunningSandbox, type UmpSandbox, type UmpSandboxOptions } from '../../src/sandbox/ump-sandbox';
import { createUmpClient, type UmpClient, type UmpClientOptions } from '../../src/ump/client';
import type { CreateCustomerRequest, ProgressSnapshot } from '../../src/ump/types';

/** Shared by the ump and sandbox tests: a sandbox on a free port, a client wired to it, log capture. */

export const CARRIER_PASSWORD = 'Carr1er-Pa55word!';

export interface Harness {
  sandbox: UmpSandbox;
  running: RunningSandbox;
  close(): Promise<void>;
}

export async function startSandbox(opts: UmpSandboxOptions = {}): Promise<Harness> {
  const sandbox = createUmpSandbox({ stepMs: 5, slowMs: 3_000, ...opts });
  const running = await sandbox.start(0);
  return { sandbox, running, close: () => running.close() };
}

export interface CapturedLog {
  logger: Logger;
  lines(): Record<string, unknown>[];
  text(): string;
}

export function captureLog(level = 'trace'): CapturedLog {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const logger = createLogger({ level, pretty: false, destination });
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export function clientFor(h: Harness, overrides: Partial<UmpClientOptions> = {}): UmpClient {
  return createUmpClient({
    baseUrl: h.running.baseUrl,
    tokenUrl: h.running.tokenUrl,
    clientId: h.sandbox.credentials.clientId,
    clientSecret: h.sandbox.credentials.clientSecret,
    scope: h.sandbox.credentials.scope,
    requestTimeoutMs: 2_000,
    createTimeoutMs: 5_000,
    logger: captureLog('silent').logger,
    retry: { baseDelayMs: 1, maxDelayMs: 5, retries: 3, createRetries: 2 },
    ...overrides,
  });
}

export function newCustomer(shortName: string, overrides: Partial<CreateCustomerRequest> = {}): CreateCustomerRequest {
  return {
    shortName,
    fullName: `${shortName} Ltd`,
    siteLocation: { sbcId: 5, sbcOnboardingScript: 7, sbcCleanupScript: 700 },
    ovocCustomerType: 'IPGROUP_TYPE',
    msTenantId: randomUUID(),
    channelId: '12',
    scriptParameters: {
      CacProfile: '5 sessions',
      ProxySet: 'SIPTrunk',
      CarrierUserName: 'carrier-user',
      CarrierUserPassword: CARRIER_PASSWORD,
      'CustomVar.Variable1': 'first',
      'CustomVar.Variable2': 'second',
    },
    ...overrides,
  };
}

/** Read progress until it ends; returns every snapshot seen. Bounded by count, not by time. */
export async function followToEnd(read: () => Promise<ProgressSnapshot>, maxReads = 500): Promise<ProgressSnapshot[]> {
  const seen: ProgressSnapshot[] = [];
  for (let i = 0; i < maxReads; i++) {
    const s = await read();
    seen.push(s);
    if (s.phase !== 'running') return seen;
    await new Promise((r) => setTimeout(r, 3));
  }
  throw new Error(`still running after ${maxReads} reads`);
}

export const byRoute = (h: Harness, route: string) => h.sandbox.requests().filter((r) => r.route === route);

export interface RawAnswer {
  status: number;
  text: string;
  json: unknown;
  header(name: string): string | null;
}

async function answer(res: Response): Promise<RawAnswer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, header: (n) => res.headers.get(n) };
}

export async function requestToken(h: Harness, form: Record<string, string> = {}, tokenUrl = h.running.tokenUrl): Promise<RawAnswer> {
  const c = h.sandbox.credentials;
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret, scope: c.scope, ...form });
  return answer(await fetch(tokenUrl, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }));
}

/** A raw call to `{baseUrl}{path}` with a fresh valid token unless `token` is given ('' = none). */
export async function callApi(h: Harness, method: string, path: string, body?: unknown, token?: string): Promise<RawAnswer> {
  const bearer = token ?? ((await requestToken(h)).json as { access_token: string }).access_token;
  const headers: Record<string, string> = bearer ? { Authorization: `Bearer ${bearer}` } : {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return answer(
    await fetch(h.running.baseUrl + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) }),
  );
}

export async function control(h: Harness, method: string, path: string, body?: unknown): Promise<RawAnswer> {
  return answer(
    await fetch(h.running.url + path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  );
}
