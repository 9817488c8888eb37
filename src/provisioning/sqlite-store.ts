import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import { RequestSchema, statesWhere } from './request';
import { upgradeAddress } from './conversation-address';
import { SecretBox } from './secret-box';
import { requestConversations } from './access';
import { RequestStore } from './store';
import { createSqlStore, SqlDialect, StoreSchema } from './sql-store';

/**
 * The embedded store (SQLite in DATA_DIR), the default. Queried fields are columns; the rest of the
 * record is JSON validated by zod on the way out, so adding a field is not a migration. Its queries
 * are the shared query layer's (sql-store.ts, Kysely on better-sqlite3), the same as PostgreSQL's;
 * what is SQLite's own lives here: the migrations, the pragmas, and one process as the only owner
 * of every lease. See docs/storage.md.
 *
 * Columns derived from the state table (`holds_short_name`) are written from it on every insert
 * and update, so adding a state never needs the index to change.
 */
type Migration = string | ((db: Database.Database) => void);

const MIGRATIONS: Migration[] = [
  `CREATE TABLE requests (
     id TEXT PRIMARY KEY,
     form_key TEXT NOT NULL UNIQUE,
     state TEXT NOT NULL,
     version INTEGER NOT NULL,
     short_name_lc TEXT NOT NULL,
     record TEXT NOT NULL,
     secrets TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX requests_state ON requests(state);
   CREATE UNIQUE INDEX requests_active_short_name ON requests(short_name_lc) WHERE state IN ('submitted', 'deploying');
   CREATE TABLE audit (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     request_id TEXT NOT NULL,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     detail TEXT
   );
   CREATE INDEX audit_request ON audit(request_id, seq);`,
  // 2: the one-request-per-short-name rule follows the state table instead of a list of states.
  (db) => {
    const holding = statesWhere((s) => s.holdsShortName);
    db.exec(`ALTER TABLE requests ADD COLUMN holds_short_name INTEGER NOT NULL DEFAULT 0`);
    db.prepare(`UPDATE requests SET holds_short_name = 1 WHERE state IN (${holding.map(() => '?').join(',')})`).run(...holding);
    db.exec(`DROP INDEX requests_active_short_name;
             CREATE UNIQUE INDEX requests_short_name_held ON requests(short_name_lc) WHERE holds_short_name = 1;`);
  },
  // 3: the conversation is a versioned address of our own, no longer botbuilder's ConversationReference.
  (db) => {
    const rows = db.prepare(`SELECT id, record FROM requests`).all() as { id: string; record: string }[];
    const write = db.prepare(`UPDATE requests SET record = ? WHERE id = ?`);
    for (const row of rows) {
      const record = JSON.parse(row.record) as { conversation?: unknown };
      const upgraded = upgradeAddress(record.conversation);
      if (upgraded !== record.conversation) write.run(JSON.stringify({ ...record, conversation: upgraded }), row.id);
    }
  },
  // 4: who made a request, as a column: the per-user create limit counts a user's recent requests.
  (db) => {
    db.exec(`ALTER TABLE requests ADD COLUMN requested_by TEXT NOT NULL DEFAULT ''`);
    db.exec(`UPDATE requests SET requested_by = COALESCE(json_extract(record, '$.requestedBy.id'), '')`);
    db.exec(`CREATE INDEX requests_by_requester ON requests(requested_by, created_at)`);
  },
  // 5: the conversations a request's cards live in (where it was asked, where it is decided), for `list`.
  (db) => {
    db.exec(`CREATE TABLE request_places (
               request_id TEXT NOT NULL,
               conversation TEXT NOT NULL,
               PRIMARY KEY (conversation, request_id)
             ) WITHOUT ROWID;
             CREATE INDEX requests_created ON requests(created_at, id);
             CREATE INDEX requests_short_name ON requests(short_name_lc, created_at);`);
    const place = db.prepare(`INSERT OR IGNORE INTO request_places (request_id, conversation) VALUES (?, ?)`);
    for (const row of db.prepare(`SELECT record FROM requests`).all() as Row[]) {
      const r = RequestSchema.parse(JSON.parse(row.record));
      for (const c of requestConversations(r)) place.run(r.id, c);
    }
  },
  // 6: a row /readyz writes, so "ready" means the store can write, not only read.
  `CREATE TABLE health (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL);`,
  // 7: the queue's order as a column, and leases (the same store API as PostgreSQL's; here this
  // process is the only owner, so a claim only ever finds its own or a previous run's requests).
  `ALTER TABLE requests ADD COLUMN queued_at TEXT;
   ALTER TABLE requests ADD COLUMN lease_owner TEXT;
   ALTER TABLE requests ADD COLUMN lease_until TEXT;
   UPDATE requests SET queued_at = json_extract(record, '$.queuedAt');
   CREATE INDEX requests_queue ON requests(queued_at) WHERE state = 'queued';`,
];

/** The schema version this build writes; a newer database refuses to open. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

interface Row {
  record: string;
}

/** Another process has this data folder open (openSqliteStore holds it while it runs). */
export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `Another bot process is using the data folder ${dataDir}: the SQLite store allows one process per folder, or both would follow, and could create, the same requests. Stop the other process, or give this one another DATA_DIR; to run several instances, use PostgreSQL (DATABASE_URL, docs/operations.md).`,
    );
    this.name = 'DataDirInUseError';
  }
}

/**
 * Holds `dataDir` for this process: an exclusive transaction on a lock file of its own, which the
 * operating system releases when the process ends however it ends (SQLite's file locks), so a
 * crashed run leaves nothing to clean up. Waits up to `waitMs` for a stopping process to let go
 * (a restart that starts the new process first), then refuses.
 */
function holdDataDir(dataDir: string, waitMs: number, onWait?: () => void): Database.Database {
  const lock = new Database(path.join(dataDir, 'bot.lock'));
  const take = (timeoutMs: number) => {
    lock.pragma(`busy_timeout = ${timeoutMs}`);
    lock.exec('BEGIN EXCLUSIVE');
  };
  try {
    try {
      take(0);
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || waitMs <= 0) throw err;
      onWait?.();
      take(waitMs);
    }
    return lock;
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirInUseError(dataDir);
    throw err;
  }
}

/** How long a start waits for another process to let go of DATA_DIR, by default. */
export const DATA_DIR_WAIT_MS = 10_000;

export interface SqliteStoreOptions {
  dataDir: string;
  secretBox: SecretBox;
  /** How long to wait for another process to let go of `dataDir` before refusing (DATA_DIR_WAIT_MS). */
  lockWaitMs?: number;
  /** Told when another process holds `dataDir` and the wait begins. */
  onWaitForDataDir?: () => void;
}

export function openSqliteStore(opts: SqliteStoreOptions): RequestStore {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const held = holdDataDir(opts.dataDir, opts.lockWaitMs ?? DATA_DIR_WAIT_MS, opts.onWaitForDataDir);
  let db: Database.Database;
  try {
    db = openDatabase(opts);
  } catch (err) {
    held.close();
    throw err;
  }
  const dialect: SqlDialect = {
    bool: (value) => (value ? 1 : 0),
    now: () => new Date().toISOString(),
    until: (lease) => new Date(Date.now() + lease.ms).toISOString(),
    insertionOrder: sql`rowid`,
    // One process, one connection: Kysely's SQLite driver runs one transaction at a time.
    rowLocks: false,
    lockQueue: async () => undefined,
    notify: async () => undefined,
    isShortNameClash(err) {
      // Checked by shape: better-sqlite3's error class may come from another realm (test runners).
      const e = err as { code?: string; message?: string };
      return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && /short_name/.test(e.message ?? '');
    },
  };
  const store = createSqlStore(new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database: preparedOnce(db) }) }), dialect, opts.secretBox);
  return {
    ...store,
    async close() {
      await store.close();
      // Kysely closes only a connection it has used; a run that never queried still has the file
      // open, and closing it here is what checkpoints the write-ahead log into the database.
      if (db.open) db.close();
      // Last: the folder is free once the database is closed.
      if (held.open) held.close();
    },
  };
}

function openDatabase(opts: { dataDir: string }): Database.Database {
  const db = new Database(path.join(opts.dataDir, 'requests.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // better-sqlite3 is synchronous: a lock wait blocks the whole process, so waits are short and a
  // busy database surfaces as an error the caller retries (the runner backs off, a submit says so).
  db.pragma('busy_timeout = 200');
  // Deleted secrets are overwritten on disk, not left in free pages.
  db.pragma('secure_delete = ON');
  migrate(db, opts.dataDir);
  // One process per folder (holdDataDir): a lease found at open is a previous run's, and this run follows its requests at once.
  db.exec(`UPDATE requests SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL`);
  return db;
}

/**
 * better-sqlite3 with its statements kept: Kysely prepares every query it runs, and the store's
 * queries are a few dozen fixed texts (IN lists vary in length, hence the bound).
 */
function preparedOnce(db: Database.Database): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => {
      if (db.open) db.close();
    },
    prepare(text) {
      let stmt = statements.get(text);
      if (!stmt) {
        stmt = db.prepare(text);
        if (statements.size < 500) statements.set(text, stmt);
      }
      return stmt;
    },
  };
}

function migrate(db: Database.Database, dataDir: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`The store in ${dataDir} was written by a newer version (schema ${current}); upgrade the bot instead of downgrading.`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    const m = MIGRATIONS[v];
    db.transaction(() => {
      if (typeof m === 'string') db.exec(m);
      else m(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
