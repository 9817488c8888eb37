import fs from 'node:fs';
import path from 'node:path';

/**
 * The capture side of the leak scan: what the test bots and the stub Bot Connector saw is appended
 * to one JSON-lines file per process in the run's folder (LEAK_SCAN_DIR, made by setup.ts), so the
 * global teardown can scan everything every test produced. Outside a Jest run with that folder
 * (scripts/bench.ts, a config without the setup) nothing is written.
 *
 *   {"k":"log","test":"test/flow/x.test.ts","v":"<a log line>"}
 *   {"k":"connector","test":…,"v":"<raw body the bot sent to the connector>","at":"PUT /v3/…"}
 *   {"k":"answer","test":…,"v":"<HTTP answer of /api/messages, e.g. an invoke response>"}
 *   {"k":"dataDir","test":…,"v":"/tmp/ump-bot-test-…"}
 */

export const LEAK_SCAN_DIR_ENV = 'LEAK_SCAN_DIR';

export type CaptureKind = 'log' | 'connector' | 'answer' | 'dataDir';

let fd: number | undefined;
let disabled = false;

function output(): number | undefined {
  if (fd !== undefined || disabled) return fd;
  const dir = process.env[LEAK_SCAN_DIR_ENV];
  if (!dir || !fs.existsSync(dir)) {
    disabled = true;
    return undefined;
  }
  fd = fs.openSync(path.join(dir, `${process.env.JEST_WORKER_ID ?? '0'}-${process.pid}.jsonl`), 'a');
  return fd;
}

/** The test file running now, when Jest's `expect` is about (lets a finding name its test). */
function currentTest(): string | undefined {
  const state = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect?.getState?.();
  return state?.testPath ? path.relative(process.cwd(), state.testPath) : undefined;
}

/** Appends one captured value; strings as they are, anything else as JSON. Never throws into a test. */
export function capture(kind: CaptureKind, value: unknown, at?: string): void {
  const out = output();
  if (out === undefined || value === undefined || value === '') return;
  const v = typeof value === 'string' ? value : JSON.stringify(value);
  if (v === undefined) return;
  try {
    fs.writeSync(out, `${JSON.stringify({ k: kind, test: currentTest(), v, ...(at ? { at } : {}) })}\n`);
  } catch {
    // The scan is a safety net; a full disk must not fail the test that produced the line.
  }
}
