import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { aRequest, describeRequestStoreContract } from '../../test/contracts/request-store.contract';
import { createSecretBox } from './secret-box';
import { DataDirInUseError, openSqliteStore, SQLITE_SCHEMA_VERSION } from './sqlite-store';
import type { RequestStore } from './store';

const box = createSecretBox(Buffer.alloc(32, 3));
const PASSWORD = 'Sup3r-Secret-Carrier-Pw';
const audit = { at: new Date().toISOString(), actor: 'u1', action: 'submitted' };
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'store-'));

describeRequestStoreContract('SQLite', async () => {
  const dir = tempDir();
  let store = openSqliteStore({ dataDir: dir, secretBox: box });
  return {
    store,
    async reopen() {
      await store.close();
      store = openSqliteStore({ dataDir: dir, secretBox: box });
      return store;
    },
    async dispose() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('the SQLite store on disk', () => {
  let dir: string;
  let store: RequestStore;
  beforeEach(() => {
    dir = tempDir();
    store = openSqliteStore({ dataDir: dir, secretBox: box });
  });
  afterEach(async () => store.close());

  it('keeps the carrier password encrypted in every file it writes', async () => {
    await store.insert(aRequest(), { CarrierUserPassword: PASSWORD }, audit);
    await store.close();
    const raw = Buffer.concat(fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f))));
    expect(raw.toString('latin1')).not.toContain(PASSWORD);
  });

  it('fails to open secrets with another key instead of returning garbage', async () => {
    const r = aRequest();
    await store.insert(r, { CarrierUserPassword: PASSWORD }, audit);
    await store.close();
    store = openSqliteStore({ dataDir: dir, secretBox: createSecretBox(Buffer.alloc(32, 9)) });
    await expect(store.secrets(r.id)).rejects.toThrow();
  });

  it('closes the file even when nothing was queried, leaving no write-ahead log behind', async () => {
    await store.close();
    expect(fs.readdirSync(dir).sort()).toEqual(['bot.lock', 'requests.sqlite']);
    await store.close(); // a second close is harmless
  });

  it('refuses a database written by a newer version of the bot', async () => {
    await store.close();
    const db = new Database(path.join(dir, 'requests.sqlite'));
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openSqliteStore({ dataDir: dir, secretBox: box })).toThrow(/newer version/);
    store = openSqliteStore({ dataDir: tempDir(), secretBox: box });
  });
});

describe('a SQLite store written by the first release (schema 1)', () => {
  it('is upgraded when opened: the short-name rule follows the state table, and stored conversations become addresses', async () => {
    const dir = tempDir();
    const db = new Database(path.join(dir, 'requests.sqlite'));
    // Schema 1 exactly as the first release created it, with two rows as it wrote them.
    db.exec(`CREATE TABLE requests (id TEXT PRIMARY KEY, form_key TEXT NOT NULL UNIQUE, state TEXT NOT NULL, version INTEGER NOT NULL,
               short_name_lc TEXT NOT NULL, record TEXT NOT NULL, secrets TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
             CREATE INDEX requests_state ON requests(state);
             CREATE UNIQUE INDEX requests_active_short_name ON requests(short_name_lc) WHERE state IN ('submitted', 'deploying');
             CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT);
             CREATE INDEX audit_request ON audit(request_id, seq);
             PRAGMA user_version = 1;`);
    const legacyReference = {
      activityId: 'f1',
      user: { id: 'user-id-0', name: 'Alex Wilber', aadObjectId: 'aad-0' },
      bot: { id: '28:bot', name: 'Test Bot' },
      conversation: { id: '19:abc@thread.tacv2;messageid=17', conversationType: 'channel', tenantId: 'tenant-1', isGroup: true },
      channelId: 'msteams',
      locale: 'en-US',
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
    };
    const running = { ...aRequest({ state: 'deploying' }), conversation: legacyReference };
    const done = { ...aRequest({ state: 'deployed' }), conversation: legacyReference };
    const insert = db.prepare(`INSERT INTO requests VALUES (?, ?, ?, 1, ?, ?, NULL, ?, ?)`);
    for (const r of [running, done]) insert.run(r.id, r.formKey, r.state, r.customer.shortName.toLowerCase(), JSON.stringify(r), r.createdAt, r.updatedAt);
    db.close();

    const store = openSqliteStore({ dataDir: dir, secretBox: box });
    try {
      expect((await store.get(running.id))?.conversation).toEqual({
        v: 1,
        channelId: 'msteams',
        serviceUrl: 'https://smba.trafficmanager.net/emea/',
        conversationId: '19:abc@thread.tacv2;messageid=17',
        kind: 'channel',
        tenantId: 'tenant-1',
        botId: '28:bot',
        botName: 'Test Bot',
      });
      expect((await store.findShortNameHolder(running.customer.shortName))?.id).toBe(running.id);
      expect(await store.findShortNameHolder(done.customer.shortName)).toBeUndefined();
      // Migration 4 filled in who made each request, from the record.
      expect(await store.requestTimesBy(running.requestedBy.id, '2000-01-01T00:00:00.000Z')).toEqual([running.createdAt, done.createdAt].sort());
      // Migration 5 placed each request in its conversation, for `list`.
      expect((await store.list({ conversation: '19:abc@thread.tacv2', limit: 10 })).map((r) => r.id)).toContain(running.id);
    } finally {
      await store.close();
    }
    const raw = new Database(path.join(dir, 'requests.sqlite'), { readonly: true });
    const rows = raw.prepare('SELECT record FROM requests').all() as { record: string }[];
    expect(rows.every((r) => (JSON.parse(r.record) as { conversation: { v?: number } }).conversation.v === 1)).toBe(true);
    expect(raw.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    raw.close();
  });
});

/** Another process that opens the store in `dir` and holds it until it is killed, or for `holdMs`. */
async function holderProcess(dir: string, holdMs?: number) {
  const script = `
    const { openSqliteStore } = require(${JSON.stringify(path.join(__dirname, 'sqlite-store.ts'))});
    const { createSecretBox } = require(${JSON.stringify(path.join(__dirname, 'secret-box.ts'))});
    const store = openSqliteStore({ dataDir: ${JSON.stringify(dir)}, secretBox: createSecretBox(Buffer.alloc(32, 3)) });
    console.log('held');
    ${holdMs === undefined ? 'setInterval(() => {}, 1000);' : `setTimeout(() => store.close().then(() => process.exit(0)), ${holdMs});`}
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('held') && resolve());
    child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before it held the folder`)));
  });
  return { child, exited };
}

describe('one process per data folder', () => {
  it('refuses a second store on a folder that is open, saying why and what to do, and opens once it is closed', async () => {
    const dir = tempDir();
    const first = openSqliteStore({ dataDir: dir, secretBox: box });
    const second = (() => {
      try {
        return openSqliteStore({ dataDir: dir, secretBox: box, lockWaitMs: 0 });
      } catch (err) {
        return err as Error;
      }
    })();
    expect(second).toBeInstanceOf(DataDirInUseError);
    expect((second as Error).message).toContain(`Another bot process is using the data folder ${dir}`);
    expect((second as Error).message).toContain('DATABASE_URL');
    await first.insert(aRequest(), {}, audit); // the first is unaffected
    await first.close();
    const third = openSqliteStore({ dataDir: dir, secretBox: box, lockWaitMs: 0 });
    expect(await third.listByState(['submitted'])).toHaveLength(1);
    await third.close();
  });

  it('is free again when the process holding it is killed (kill -9 leaves nothing to clean up)', async () => {
    const dir = tempDir();
    const holder = await holderProcess(dir);
    expect(() => openSqliteStore({ dataDir: dir, secretBox: box, lockWaitMs: 0 })).toThrow(DataDirInUseError);
    holder.child.kill('SIGKILL');
    await holder.exited;
    const store = openSqliteStore({ dataDir: dir, secretBox: box, lockWaitMs: 0 });
    await store.close();
  }, 30_000);

  it('waits for a process that is stopping (a restart that starts the new process first)', async () => {
    const dir = tempDir();
    const holder = await holderProcess(dir, 500);
    let waited = false;
    const store = openSqliteStore({ dataDir: dir, secretBox: box, lockWaitMs: 20_000, onWaitForDataDir: () => (waited = true) });
    expect(waited).toBe(true);
    await store.close();
    await holder.exited;
  }, 30_000);
});
