import { z } from 'zod/v4';

/**
 * Deterministic fault injection. Faults wait in a queue; each request takes the first fault that
 * matches it, and a fault is used up after `count` requests. `after: true` lets the sandbox do the
 * work first and then spoil the answer (the request had its effect; the client cannot tell) —
 * that is the case the client's create reconciliation exists for.
 *
 * `match` selects requests: "token" (the token endpoint), "*" (everything), or "[METHOD] /path-prefix"
 * with the path relative to /tenantui, e.g. "POST /api/v2/customer". Default: every API request.
 */

const common = {
  count: z.number().int().min(1).default(1),
  match: z.string().optional(),
};

export const faultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(400).max(599),
    /** Sent as Retry-After (delta-seconds). */
    retryAfterSec: z.number().int().min(0).optional(),
    after: z.boolean().default(false),
    ...common,
  }),
  /** The real answer, cut short: invalid JSON with a 200. */
  z.object({ kind: z.literal('malformed'), ...common }),
  /** Wait before handling (after: false) or before answering (after: true). */
  z.object({ kind: z.literal('delay'), ms: z.number().int().min(0), after: z.boolean().default(false), ...common }),
  /** Close the connection without an answer (a network error for the client). */
  z.object({ kind: z.literal('drop'), after: z.boolean().default(false), ...common }),
]);

export type FaultInput = z.input<typeof faultSchema>;
export type Fault = z.output<typeof faultSchema>;

export interface FaultTarget {
  method: string;
  /** Path relative to /tenantui for API calls. */
  apiPath?: string;
  isToken: boolean;
}

export function faultMatches(f: Fault, t: FaultTarget): boolean {
  const m = f.match?.trim();
  if (m === '*') return true;
  if (m === undefined || m === '') return t.apiPath !== undefined;
  if (m.toLowerCase() === 'token') return t.isToken;
  if (t.apiPath === undefined) return false;
  const [first, second] = m.split(/\s+/, 2);
  const method = second === undefined ? undefined : first;
  const prefix = second ?? first;
  if (method && method.toUpperCase() !== t.method.toUpperCase()) return false;
  return t.apiPath.toLowerCase().startsWith(prefix.toLowerCase());
}

export interface FaultQueue {
  add(...faults: FaultInput[]): void;
  /** The fault this request gets, if any (and uses one of its count). */
  take(t: FaultTarget): Fault | undefined;
  pending(): (Fault & { remaining: number })[];
  clear(): void;
}

export function createFaultQueue(): FaultQueue {
  let queue: (Fault & { remaining: number })[] = [];
  return {
    add(...faults) {
      for (const f of faults) {
        const parsed = faultSchema.parse(f);
        queue.push({ ...parsed, remaining: parsed.count });
      }
    },
    take(t) {
      const f = queue.find((q) => faultMatches(q, t));
      if (!f) return undefined;
      f.remaining -= 1;
      if (f.remaining <= 0) queue = queue.filter((q) => q !== f);
      return f;
    },
    pending: () => queue.map((q) => ({ ...q })),
    clear() {
      queue = [];
    },
  };
}

export function describeFault(f: Fault): string {
  switch (f.kind) {
    case 'status':
      return `status ${f.status}${f.retryAfterSec !== undefined ? ` retry-after ${f.retryAfterSec}s` : ''}${f.after ? ' after handling' : ''}`;
    case 'malformed':
      return 'malformed JSON';
    case 'delay':
      return `delay ${f.ms} ms ${f.after ? 'after' : 'before'} handling`;
    case 'drop':
      return `connection dropped ${f.after ? 'after' : 'before'} handling`;
  }
}
