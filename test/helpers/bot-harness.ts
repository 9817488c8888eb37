import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import axios from 'axios';
import { loadConfig } from '../../src/config';
import { RunningBot, startBot } from '../../src/main';
import type { Clock } from '../../src/clock';
import { capture } from '../leak-scan/recorder';

export interface TestBot {
  url: string;
  messagesUrl: string;
  dataDir: string;
  /** Every log line the bot wrote (JSON), for "no secret in logs" assertions. */
  logs: string[];
  /** Posts an activity to /api/messages and returns the HTTP answer (invoke responses included). */
  post(activity: unknown): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

/** A fixed, random-looking test key (config refuses trivially weak ones). */
export const TEST_ENCRYPTION_KEY = 'JXa4kJB6d97urItPpPBWLVcwPTI8qb+djEEYgV320I8=';

/**
 * A bot with an app id, so Bot Framework authentication is on: unsigned requests get 401. The
 * password is a dummy no request ever uses (the leak scan looks for it: test/leak-scan/secrets.ts).
 */
export const SIGNED_BOT_ENV = {
  MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555',
  MICROSOFT_APP_PASSWORD: 'not-used-in-this-test',
  MICROSOFT_APP_TENANT_ID: '66666666-7777-8888-9999-000000000000',
  HOST: '127.0.0.1',
} as const;

export interface TestBotOptions {
  /** Time as the bot sees it (limits that recover after a minute or an hour). */
  clock?: Clock;
}

/**
 * Starts the real bot in-process on 127.0.0.1:0: dev mode, so anonymous (the tests post unsigned
 * activities) with every user of any tenant a requester, unless env says otherwise.
 */
export async function startTestBot(env: Record<string, string> = {}, opts: TestBotOptions = {}): Promise<TestBot> {
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ump-bot-test-'));
  const config = loadConfig({
    DEV_MODE: 'true',
    PORT: '0',
    LOG_LEVEL: 'debug',
    LOG_FORMAT: 'json',
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    CARD_EDIT_MIN_INTERVAL_MS: '0',
    ...env,
    DATA_DIR: dataDir,
  });
  capture('dataDir', dataDir);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      const lines = String(chunk).split('\n').filter(Boolean);
      logs.push(...lines);
      for (const line of lines) capture('log', line);
      cb();
    },
  });
  const bot: RunningBot = await startBot(config, { logDestination: destination, clock: opts.clock });
  const url = bot.server.url;
  return {
    url,
    messagesUrl: `${url}/api/messages`,
    dataDir,
    logs,
    async post(activity) {
      const res = await axios.post(`${url}/api/messages`, activity, { validateStatus: () => true, timeout: 20_000 });
      capture('answer', res.data);
      return { status: res.status, body: res.data };
    },
    stop: () => bot.stop(),
  };
}
