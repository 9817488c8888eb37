import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ProbeReading } from './probe';

const ROOT = path.join(__dirname, '../..');
const ROLE = path.join(__dirname, 'role.ts');
/** The measured servers run compiled, as `npm start` runs the bot; the helpers run through tsx. */
const BUILD = path.join(ROOT, 'node_modules/.cache/ump-bench-build');

/** Compiles the bot (as `npm run build` does), the echo bot and the probe into BUILD. */
export function buildForBench(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(__dirname, 'tsconfig.json'), '--outDir', BUILD], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

export const ENTRY = {
  bot: path.join(BUILD, 'src/index.js'),
  echo: path.join(BUILD, 'scripts/bench/echo-bot.js'),
};
const PROBE = { compiled: path.join(BUILD, 'scripts/bench/probe.js'), tsx: path.join(__dirname, 'probe.ts') };

/** A process of the benchmark, each on its own, talked to over HTTP and (for figures) IPC. */
export interface BenchProcess {
  name: string;
  pid: number;
  /** What a role reported when it was ready (its URL, …). */
  ready: Record<string, unknown>;
  /** The role's answer to a question (`customers`, `edits`, …). */
  call<T>(what: string): Promise<T>;
  /** A reading from inside the process (probe preloaded); `reset` starts a new event-loop window. */
  probe(reset?: boolean, heapSnapshotDir?: string, collect?: boolean): Promise<ProbeReading>;
  /** The last lines it printed, for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

function wrap(name: string, child: ChildProcess, ready: Record<string, unknown>, out: () => string): BenchProcess {
  let seq = 0;
  const waiting = new Map<number, (v: unknown) => void>();
  child.on('message', (m: { seq?: number; probe?: number; result?: unknown; reading?: unknown }) => {
    const id = m.seq ?? m.probe;
    if (typeof id !== 'number') return;
    waiting.get(id)?.(m.result ?? m.reading);
    waiting.delete(id);
  });
  const ask = <T>(msg: Record<string, unknown>, key: 'seq' | 'probe') =>
    new Promise<T>((resolve, reject) => {
      if (!child.connected) return reject(new Error(`${name} is not running:\n${out()}`));
      const id = ++seq;
      waiting.set(id, resolve as (v: unknown) => void);
      child.send({ ...msg, [key]: id });
    });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    pid: child.pid!,
    ready,
    call: (what) => ask({ call: what }, 'seq'),
    probe: (reset = false, heapSnapshotDir?: string, collect = false) => ask({ reset, heapSnapshotDir, collect }, 'probe'),
    output: out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

function launch(
  name: string,
  args: string[],
  env: Record<string, string>,
  nodeFlags: string[] = [],
  compiled = false,
): { child: ChildProcess; out: () => string } {
  const lines: string[] = [];
  // --expose-gc only adds gc() for the probe to measure the live heap; the collector runs as it always does.
  const loader = compiled ? ['--expose-gc', '--require', PROBE.compiled] : ['--import', 'tsx', '--import', PROBE.tsx];
  const child = spawn(process.execPath, [...nodeFlags, ...loader, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // Always drained (a full pipe would stall the process); the tail is kept for failure messages.
  const keep = (d: Buffer) => {
    lines.push(...String(d).split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, out: () => `${name}: ${lines.slice(-40).join('\n')}` };
}

/** A role of scripts/bench/role.ts (sandbox, login, connector, echo), ready when it says so. */
export async function startRole(role: string, options: Record<string, unknown> = {}): Promise<BenchProcess> {
  const { child, out } = launch(role, [ROLE, role, JSON.stringify(options)], {});
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${role} did not start in 60 s:\n${out()}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${role} exited (${code}):\n${out()}`)));
    child.on('message', (m: { ready?: Record<string, unknown> }) => {
      if (!m.ready) return;
      clearTimeout(timer);
      resolve(m.ready);
    });
  });
  return wrap(role, child, ready, out);
}

function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

/**
 * A compiled server started from its entry file (ENTRY), ready when /readyz answers 200: the bot
 * (configured by `env`) or the echo bot. Resolves with the time that took.
 */
export async function startServerProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  port: number,
  nodeFlags: string[] = [],
): Promise<{ proc: BenchProcess; url: string; readyMs: number }> {
  const t0 = performance.now();
  const { child, out } = launch(name, [entry], { ...env, PORT: String(port) }, nodeFlags, true);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready:\n${out()}`);
    if ((await getStatus(`${url}/readyz`)) === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready in 60 s:\n${out()}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return { proc: wrap(name, child, { url }, out), url, readyMs: performance.now() - t0 };
}
