import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { getFreePort } from '../helpers/ports';

const ROOT = path.join(__dirname, '../..');

interface Dev {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  ports: Record<'bot' | 'playground' | 'sandbox' | 'login', number>;
}

async function startDev(): Promise<Dev> {
  const ports = { bot: await getFreePort(), playground: await getFreePort(), sandbox: await getFreePort(), login: await getFreePort() };
  const args = ['--import', 'tsx', 'scripts/dev.ts', '--data-dir', fs.mkdtempSync(path.join(os.tmpdir(), 'dev-runner-')), '--step-ms', '100'];
  for (const [name, port] of Object.entries(ports)) args.push(`--${name}-port`, String(port));
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 60_000;
  while (!out.includes('Ready. Open') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  return { child, output: () => out, exited, ports };
}

/** Every process below `pid` (`ps`, so macOS too). */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  for (let frontier = [pid]; frontier.length;) {
    frontier = rows.filter(([, ppid]) => frontier.includes(ppid)).map(([child]) => child);
    found.push(...frontier);
  }
  return found;
}

/** Those of `pids` still running (a zombie, exited but not yet reaped, holds nothing). */
function running(pids: number[]): number[] {
  const rows = execFileSync('ps', ['-A', '-o', 'pid=,stat='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
  return rows.filter(([pid, stat]) => pids.includes(Number(pid)) && !stat.startsWith('Z')).map(([pid]) => Number(pid));
}

/** `npm run dev` is the README's first command: it must come up whole and go away whole. */
describe('npm run dev', () => {
  it('starts sandbox, tenant stand-in, bot and Playground, prints the URL, and stops them all on Ctrl-C', async () => {
    let dev = await startDev();
    // Free ports are picked before the child binds them; another suite may take one meanwhile.
    for (let i = 0; i < 2 && dev.output().includes('is in use'); i++) dev = await startDev();
    let children: number[] = [];
    try {
      expect(dev.output()).toContain(`Ready. Open http://localhost:${dev.ports.playground}`);
      children = descendants(dev.child.pid!);
      // The Playground runs as a process of its own.
      expect(children.length).toBeGreaterThan(0);
      const ready = await axios.get(`http://127.0.0.1:${dev.ports.bot}/readyz`);
      expect(ready.data).toEqual({ status: 'ready', checks: { store: 'ok', livePlatform: 'ok' } });
      const pong = await axios.get(`http://127.0.0.1:${dev.ports.playground}/_debug/ping`);
      expect(pong.data).toBe('pong');
    } finally {
      dev.child.kill('SIGINT');
      await dev.exited;
    }
    // Gone whole: every process it started has exited with it (its ports are theirs no longer; a
    // port check here would race other suites, which may pick a freed port at once).
    expect(running(children)).toEqual([]);
    await expect(axios.get(`http://127.0.0.1:${dev.ports.bot}/healthz`, { timeout: 2_000 })).rejects.toThrow();
  }, 120_000);
});
