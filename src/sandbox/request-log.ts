import { REDACTED, redactText, redactValue } from '../ump/redact';

/**
 * Every call the sandbox receives (control endpoints aside), so tests can assert what reached the
 * "server". Bodies are stored redacted: no carrier password, client secret or token in clear, ever.
 */

export type RouteName =
  'token' | 'createCustomer' | 'getCustomer' | 'deleteCustomer' | 'getTask' | 'listCustomers' | 'getCustomerV3' | 'listScriptTemplates' | 'unknown';

export interface RecordedRequest {
  seq: number;
  /** ISO time the request arrived. */
  at: string;
  method: string;
  /** Full path as received, without the query. */
  path: string;
  query: Record<string, string>;
  route: RouteName;
  /** How the request authenticated: a valid bearer, an invalid/expired one, or none. */
  auth: 'valid' | 'invalid' | 'none';
  body?: unknown;
  /** Filled in when answered; absent while the answer is pending (e.g. a slow create). */
  status?: number;
  fault?: string;
  /** The client closed the connection before the answer was sent (e.g. it timed out). */
  clientGone?: boolean;
}

const MAX_ENTRIES = 5000;

function redactForm(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = /secret|password|assertion/i.test(k) ? REDACTED : v;
  return out;
}

export function redactBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) return redactForm(text);
  try {
    return redactValue(JSON.parse(text));
  } catch {
    return redactText(text, [], 2000);
  }
}

export interface RequestLog {
  add(entry: Omit<RecordedRequest, 'seq'>): RecordedRequest;
  list(): RecordedRequest[];
  /** Calls per route since the last clear: unlike the list, never trimmed (benchmarks count thousands). */
  counts(): Partial<Record<RouteName, number>>;
  clear(): void;
}

export function createRequestLog(): RequestLog {
  let entries: RecordedRequest[] = [];
  let counts: Partial<Record<RouteName, number>> = {};
  let seq = 0;
  return {
    add(entry) {
      const rec = { seq: ++seq, ...entry };
      counts[entry.route] = (counts[entry.route] ?? 0) + 1;
      entries.push(rec);
      if (entries.length > MAX_ENTRIES) entries = entries.slice(-MAX_ENTRIES);
      return rec;
    },
    list: () => entries.map((e) => ({ ...e })),
    counts: () => ({ ...counts }),
    clear() {
      entries = [];
      counts = {};
    },
  };
}
