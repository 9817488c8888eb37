import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { TEST_ENCRYPTION_KEY } from '../helpers/bot-harness';
import { startBotProcess } from '../helpers/bot-process';
import { getFreePort } from '../helpers/ports';

describe('the bot process', () => {
  it('stops cleanly on SIGTERM: stops accepting, closes the store, exits 0', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ump-bot-term-'));
    const bot = await startBotProcess(
      { DEV_MODE: 'true', DATA_DIR: dataDir, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, INSTANCE_ID: 'bot-term', LOG_FORMAT: 'json' },
      await getFreePort(),
    );
    expect((await axios.get(`${bot.url}/healthz`)).status).toBe(200);
    const code = await bot.kill('SIGTERM');
    expect(code).toBe(0);
    expect(bot.output()).toContain('"msg":"shutting down"');
    expect(bot.output()).toContain('"msg":"stopped"');
    // Every log line names its instance: several instances' logs are read together.
    const lines = bot
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ instance: 'bot-term' });
    // A clean close checkpoints SQLite's write-ahead log into the database file.
    expect(fs.existsSync(path.join(dataDir, 'requests.sqlite-wal'))).toBe(false);
  }, 30_000);

  it('refuses a second process on the same DATA_DIR after waiting for the first to stop, and says what to do', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ump-bot-twice-'));
    const env = { DEV_MODE: 'true', DATA_DIR: dataDir, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, LOG_FORMAT: 'json' };
    const first = await startBotProcess(env, await getFreePort());
    try {
      const err = await startBotProcess(env, await getFreePort()).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).toContain('another bot process holds DATA_DIR; waiting up to 10 s');
      expect(err?.message).toContain(`Fatal: Another bot process is using the data folder ${dataDir}`);
      expect(err?.message).toContain('give this one another DATA_DIR');
      expect(err?.message).not.toContain('"msg":"listening"');
      // The first one never noticed.
      expect((await axios.get(`${first.url}/readyz`, { validateStatus: () => true })).data.checks.store).toBe('ok');
    } finally {
      await first.kill('SIGTERM');
    }
  }, 60_000);

  it('refuses to start with a bad configuration and lists every problem at once', async () => {
    const err = await startBotProcess({ UMP_BASE_URL: 'nope', LOG_LEVEL: 'loud' }, await getFreePort()).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/Invalid configuration \(\d+ problems\)/);
    for (const key of ['UMP_BASE_URL', 'UMP_TOKEN_URL', 'LOG_LEVEL', 'ENCRYPTION_KEY']) expect(err?.message).toContain(`  - ${key}: `);
    expect(err?.message).not.toMatch(/at .*\.ts:\d+/);
  }, 30_000);

  it('refuses to start without authentication (no app id) outside dev mode, and says how to run it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ump-bot-anon-'));
    const err = await startBotProcess({ DATA_DIR: dataDir, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, REQUESTERS: '*' }, await getFreePort()).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/Invalid configuration \(1 problem\)/);
    expect(err?.message).toContain('  - MICROSOFT_APP_ID: required outside dev mode');
    expect(err?.message).toContain('DEV_MODE=true');
    // Nothing was served meanwhile: the process never listened.
    expect(err?.message).not.toContain('"msg":"listening"');
  }, 30_000);
});
