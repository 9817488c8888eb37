import type { Fault } from './faults';
import { bodyText, problem, type Reply } from './http-kit';

/** What an injected fault does to a request, before it is handled or to the answer after. */

type Sleep = (ms: number) => Promise<void>;

/** A fault that acts before the request is handled: the request has no effect. */
export async function applyBefore(f: Fault, sleep: Sleep): Promise<Reply | 'drop' | undefined> {
  switch (f.kind) {
    case 'status':
      return faultStatus(f);
    case 'drop':
      return 'drop';
    case 'delay':
      await sleep(f.ms);
      return undefined;
    case 'malformed':
      return undefined; // spoils the real answer, in applyAfter
  }
}

/** A fault that acts on the answer of a request that was handled. */
export async function applyAfter(f: Fault, reply: Reply, sleep: Sleep): Promise<Reply | 'drop'> {
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
  const reply: Reply =
    f.status === 401
      ? { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } }
      : problem(f.status, f.status >= 500 ? 'Service unavailable (sandbox fault)' : 'Sandbox fault', `Injected fault: HTTP ${f.status}.`);
  if (f.retryAfterSec !== undefined) reply.headers = { ...reply.headers, 'Retry-After': String(f.retryAfterSec) };
  return reply;
}
