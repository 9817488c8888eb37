import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEST_ENCRYPTION_KEY } from './bot-harness';
import axios from 'axios';
import { capture } from '../leak-scan/recorder';

/** The bot as a real OS process (for kill -9 tests), started from source through tsx. */
export interface BotProcess {
  url: string;
  output: () => string;
  /** Sends the signal and resolves with the exit code (null when killed by the signal). */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

const ROOT = path.join(__dirname, '../..');

/** The environment of a bot process for a crash test: dev mode, its own data folder, quick polls and edits. */
export function crashTestEnv(backendsEnv: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...backendsEnv,
    DEV_MODE: 'true',
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'ump-bot-crash-')),
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    UMP_POLL_INTERVAL_MS: '50',
    CARD_EDIT_MIN_INTERVAL_MS: '0',
    ...extra,
  };
}

export async function startBotProcess(env: Record<string, string>, port: number): Promise<BotProcess> {
  let out = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/index.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_FORMAT: 'json', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  // The leak scan reads what a bot process logged and stored, as it does for in-process bots.
  if (env.DATA_DIR) capture('dataDir', env.DATA_DIR);
  child.once('exit', () => capture('log', out));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bot exited early:\n${out}`);
    const ok = await axios.get(`${url}/healthz`, { timeout: 500 }).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`bot did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    output: () => out,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
