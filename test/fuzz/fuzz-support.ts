import path from 'node:path';
import vm from 'node:vm';
import Database from 'better-sqlite3';
import { isTerminal, RequestSchema, STATES, type RequestState } from '../../src/provisioning/request';
import type { TestBot } from '../helpers/bot-harness';
import type { RecordedCall } from '../helpers/fake-connector';
import { capture } from '../leak-scan/recorder';
import type { FuzzInput } from './arbitraries';

/** What /api/messages answered to one input, or why it did not. */
export interface Outcome {
  status?: number;
  body?: unknown;
  /** No HTTP answer at all (connection reset, timeout). */
  error?: string;
  ms: number;
}

const ANSWER_TIMEOUT_MS = 15_000;

/** Posts one input: an activity as JSON, or a raw body with its content type. */
export async function send(bot: TestBot, input: FuzzInput): Promise<Outcome> {
  const started = Date.now();
  try {
    if (input.kind === 'activity') {
      const res = await bot.post(input.activity);
      return { status: res.status, body: res.body, ms: Date.now() - started };
    }
    const res = await fetch(bot.messagesUrl, {
      method: 'POST',
      body: input.body,
      headers: input.contentType ? { 'Content-Type': input.contentType } : {},
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    });
    const text = await res.text();
    capture('answer', text);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : '';
    } catch {
      // Not JSON: kept as text.
    }
    return { status: res.status, body, ms: Date.now() - started };
  } catch (err) {
    return { error: (err as Error).message, ms: Date.now() - started };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether Teams would expect an invoke response body for this input (an Action.Execute). */
function isCardInvoke(input: FuzzInput): boolean {
  return input.kind === 'activity' && input.activity.type === 'invoke' && input.activity.name === 'adaptiveCard/action';
}

/** What is wrong with one answer: 5xx, no answer, or an invoke answered without a proper body. */
export function answerProblems(input: FuzzInput, o: Outcome): string[] {
  if (o.error !== undefined) return [`no HTTP answer after ${o.ms} ms: ${o.error}`];
  const s = o.status!;
  const problems: string[] = [];
  if (s >= 500) problems.push(`HTTP ${s} ${brief(o.body)}`);
  else if (!((s >= 200 && s < 300) || (s >= 400 && s < 500))) problems.push(`HTTP ${s} is neither 2xx nor 4xx`);
  if (o.ms > ANSWER_TIMEOUT_MS) problems.push(`answered after ${o.ms} ms`);
  if (isCardInvoke(input) && s >= 200 && s < 300) {
    const b = o.body;
    if (!isObject(b) || typeof b.statusCode !== 'number' || typeof b.type !== 'string')
      problems.push(`invoke answered ${s} without {statusCode, type}: ${brief(b)}`);
    else if (b.statusCode >= 500) problems.push(`invoke answered statusCode ${b.statusCode}: ${brief(b.value)}`);
  }
  return problems;
}

/** What the bot said in this window that only the error funnel says (an unexpected error in a turn). */
export function connectorProblems(calls: readonly RecordedCall[]): string[] {
  return calls
    .filter((c) => /something went wrong on my side/.test(JSON.stringify(c.body ?? '')))
    .map((c) => `the bot told conversation ${JSON.stringify(c.conversationId.slice(0, 80))} "Sorry, something went wrong on my side"`);
}

/** Log lines of turns that failed on an unexpected error (not one that carries a message for the user). */
export function logProblems(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (!line.includes('"turn failed"') && !line.includes('could not tell the user') && !line.includes('"level":60')) continue;
    let entry: { msg?: string; level?: number; err?: { type?: string; message?: string; stack?: string; userMessage?: unknown } };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.msg === 'turn failed' && typeof entry.err?.userMessage === 'string') continue;
    if (entry.msg !== 'turn failed' && entry.msg !== 'could not tell the user about the failed turn' && entry.level !== 60) continue;
    const at = entry.err?.stack?.split('\n').find((l) => l.includes('/src/')) ?? entry.err?.stack?.split('\n')[1] ?? '';
    out.push(`log "${entry.msg}": ${entry.err?.type ?? 'Error'}: ${String(entry.err?.message).slice(0, 160)} ${at.trim()}`);
  }
  return [...new Set(out)];
}

/**
 * Unhandled rejections and uncaught exceptions of the real process (Jest's sandbox has its own
 * `process` object, whose listeners never hear them).
 */
export function watchProcess(): { events: string[]; stop(): void } {
  const real = vm.runInThisContext('process') as NodeJS.Process;
  const events: string[] = [];
  const onRejection = (reason: unknown) => events.push(`unhandledRejection: ${describe(reason)}`);
  const onException = (err: unknown) => events.push(`uncaughtException: ${describe(err)}`);
  real.on('unhandledRejection', onRejection);
  real.on('uncaughtException', onException);
  return {
    events,
    stop() {
      real.off('unhandledRejection', onRejection);
      real.off('uncaughtException', onException);
    },
  };
}

function describe(err: unknown): string {
  if (err instanceof Error)
    return `${err.name}: ${err.message.slice(0, 200)} ${
      err.stack
        ?.split('\n')
        .find((l) => l.includes('/src/'))
        ?.trim() ?? ''
    }`;
  return brief(err);
}

/** The states a seeded request can reach when nothing is approved: none of them talks to Live Platform. */
const REACHABLE: readonly RequestState[] = ['awaiting_approval', 'cancelled', 'rejected', 'expired'];

/**
 * The store, read as raw rows: every record parses and agrees with its columns, secrets are gone from
 * ended requests, the short-name column follows the state table, audit rows name existing requests,
 * and only the seeded requests exist (no generated form was valid, so none may have been stored),
 * each in a state reachable without an approval.
 */
export function storeProblems(dataDir: string, seeded: readonly string[]): string[] {
  const db = new Database(path.join(dataDir, 'requests.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const problems: string[] = [];
    const rows = db.prepare('SELECT id, form_key, state, version, short_name_lc, holds_short_name, record, secrets FROM requests').all() as {
      id: string;
      form_key: string;
      state: string;
      version: number;
      short_name_lc: string;
      holds_short_name: number;
      record: string;
      secrets: string | null;
    }[];
    for (const row of rows) {
      let parsed;
      try {
        parsed = RequestSchema.parse(JSON.parse(row.record));
      } catch (err) {
        problems.push(`request ${row.id}: stored record does not parse: ${(err as Error).message.slice(0, 300)}`);
        continue;
      }
      if (parsed.id !== row.id || parsed.state !== row.state || parsed.version !== row.version || parsed.formKey !== row.form_key) {
        problems.push(
          `request ${row.id}: record (${parsed.id}, ${parsed.state}, v${parsed.version}) disagrees with its columns (${row.state}, v${row.version})`,
        );
      }
      if (parsed.customer.shortName.toLowerCase() !== row.short_name_lc)
        problems.push(`request ${row.id}: short_name_lc column is not the record's short name`);
      if (!seeded.includes(row.id)) problems.push(`request ${row.id} (${row.state}) was stored by a generated input: no generated form is valid`);
      if (!REACHABLE.includes(parsed.state)) problems.push(`request ${row.id} is ${parsed.state}: not reachable without an approval`);
      if (isTerminal(parsed.state) && row.secrets !== null) problems.push(`request ${row.id} ended (${parsed.state}) but its secrets are still stored`);
      if (row.holds_short_name !== (STATES[parsed.state].holdsShortName ? 1 : 0))
        problems.push(`request ${row.id}: holds_short_name disagrees with state ${parsed.state}`);
      if (parsed.version < 1) problems.push(`request ${row.id}: version ${parsed.version}`);
    }
    for (const id of seeded) if (!rows.some((r) => r.id === id)) problems.push(`seeded request ${id} is gone from the store`);
    const orphans = db.prepare('SELECT DISTINCT request_id FROM audit WHERE request_id NOT IN (SELECT id FROM requests)').all() as { request_id: string }[];
    for (const o of orphans) problems.push(`audit rows for request ${o.request_id}, which does not exist`);
    return problems;
  } finally {
    db.close();
  }
}

/** Long strings and deep nesting cut down, so a counterexample prints in a few lines. */
export function abbreviate(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > 120 ? `${value.slice(0, 60)}…[${value.length} chars]…${value.slice(-20)}` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return `[nested ${Array.isArray(value) ? 'array' : 'object'} …]`;
  if (Array.isArray(value)) return value.map((v) => abbreviate(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, abbreviate(v, depth + 1)]));
}

export function brief(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(abbreviate(value));
  return s === undefined ? String(value) : s.length > 300 ? `${s.slice(0, 300)}…` : s;
}
