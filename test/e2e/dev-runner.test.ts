import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { getFreePort, isPortFree } from '../helpers/ports';

/** `npm run dev` is the README's first command: it must come up whole and go away whole. */
describe('npm run dev', () => {
  it('starts sandbox, tenant stand-in, bot and Playground, prints the URL, and stops them all on Ctrl-C', async () => {
    const ports = { bot: await getFreePort(), playground: await getFreePort(), sandbox: await getFreePort(), login: await getFreePort() };
    const root = path.join(__dirname, '../..');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/dev.ts', '--data-dir', fs.mkdtempSync(path.join(os.tmpdir(), 'dev-runner-')), '--bot-port', String(ports.bot), '--playground-port', String(ports.playground), '--sandbox-port', String(ports.sandbox), '--login-port', String(ports.login), '--step-ms', '100'],
      { cwd: root, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!out.includes('Ready. Open') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain(`Ready. Open http://localhost:${ports.playground}`);
      const ready = await axios.get(`http://127.0.0.1:${ports.bot}/readyz`);
      expect(ready.data).toEqual({ status: 'ready', checks: { store: 'ok', livePlatform: 'ok' } });
      const pong = await axios.get(`http://127.0.0.1:${ports.playground}/_debug/ping`);
      expect(pong.data).toBe('pong');
    } finally {
      child.kill('SIGINT');
      await exited;
    }
    for (const port of Object.values(ports)) expect(await isPortFree(port)).toBe(true);
  }, 90_000);
});
