import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AuditEntry, holdsShortName, isTerminal, ProvisioningRequest, RequestSchema, RequestState, statesWhere } from './request';
import { upgradeAddress } from './conversation-address';
import { SecretBox } from './secret-box';
import { conversationRoot, requestConversations } from './access';
import { ActiveShortNameConflict, RequestQuery, RequestStore, SecretValues } from './store';

/**
 * The embedded store (SQLite in DATA_DIR). Queried fields are columns; the rest of the record is
 * JSON validated by zod on the way out, so adding a field is not a migration. See docs/storage.md.
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
];

/** The schema version this build writes; a newer database refuses to open. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

interface Row {
  record: string;
}

export function openSqliteStore(opts: { dataDir: string; secretBox: SecretBox; fileName?: string }): RequestStore {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const db = new Database(path.join(opts.dataDir, opts.fileName ?? 'requests.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // better-sqlite3 is synchronous: a lock wait blocks the whole process, so waits are short and a
  // busy database surfaces as an error the caller retries (the runner backs off, a submit says so).
  db.pragma('busy_timeout = 200');
  // Deleted secrets are overwritten on disk, not left in free pages.
  db.pragma('secure_delete = ON');
  migrate(db, opts.dataDir);
  const box = opts.secretBox;
  const parse = (row: Row | undefined) => (row ? RequestSchema.parse(JSON.parse(row.record)) : undefined);
  const held = (state: RequestState) => (holdsShortName(state) ? 1 : 0);

  const insertReq = db.prepare(
    `INSERT INTO requests (id, form_key, state, version, short_name_lc, holds_short_name, requested_by, record, secrets, created_at, updated_at)
     VALUES (@id, @formKey, @state, @version, @shortNameLc, @held, @requestedBy, @record, @secrets, @createdAt, @updatedAt)
     ON CONFLICT(form_key) DO NOTHING`,
  );
  const insertAudit = db.prepare(`INSERT INTO audit (request_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)`);
  const byId = db.prepare(`SELECT record FROM requests WHERE id = ?`);
  const byFormKey = db.prepare(`SELECT record FROM requests WHERE form_key = ?`);
  // Asked on every submit: prepared once.
  const shortNameHolder = db.prepare(`SELECT record FROM requests WHERE short_name_lc = ? AND holds_short_name = 1 LIMIT 1`);
  const updateReq = db.prepare(
    `UPDATE requests SET state = @state, version = @version, holds_short_name = @held, record = @record, updated_at = @updatedAt,
            secrets = CASE WHEN @terminal = 1 THEN NULL ELSE secrets END
     WHERE id = @id AND version = @version - 1`,
  );
  const secretsOf = db.prepare(`SELECT secrets FROM requests WHERE id = ?`);
  const timesBy = db.prepare(`SELECT created_at FROM requests WHERE requested_by = ? AND created_at >= ? ORDER BY created_at`);
  const auditOf = db.prepare(`SELECT request_id, at, actor, action, detail FROM audit WHERE request_id = ? ORDER BY seq`);
  const writeHealth = db.prepare(`INSERT INTO health (id, at) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET at = excluded.at`);
  const insertPlace = db.prepare(`INSERT OR IGNORE INTO request_places (request_id, conversation) VALUES (?, ?)`);
  const writePlaces = (r: ProvisioningRequest) => {
    for (const c of requestConversations(r)) insertPlace.run(r.id, c);
  };
  const byShortName = db.prepare(`SELECT record FROM requests WHERE short_name_lc = ? ORDER BY created_at DESC, id DESC LIMIT ?`);
  const writeAudit = (requestId: string, a: Omit<AuditEntry, 'requestId'>) =>
    insertAudit.run(requestId, a.at, a.actor, a.action, a.detail ? JSON.stringify(a.detail) : null);

  /** The partial unique index speaks SQLite; callers get the domain's error. */
  function shortNameClash<T>(shortName: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      // Checked by shape: better-sqlite3's error class may come from another realm (test runners).
      const e = err as { code?: string; message?: string };
      if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && /short_name/.test(e.message ?? '')) throw new ActiveShortNameConflict(shortName);
      throw err;
    }
  }

  const insertTx = db.transaction((req: ProvisioningRequest, secrets: SecretValues, audit: Omit<AuditEntry, 'requestId'>) => {
    const info = insertReq.run({
      id: req.id,
      formKey: req.formKey,
      state: req.state,
      version: req.version,
      shortNameLc: req.customer.shortName.toLowerCase(),
      held: held(req.state),
      requestedBy: req.requestedBy.id,
      record: JSON.stringify(req),
      secrets: Object.keys(secrets).length && !isTerminal(req.state) ? box.seal(JSON.stringify(secrets)) : null,
      createdAt: req.createdAt,
      updatedAt: req.updatedAt,
    });
    if (info.changes === 1) {
      writeAudit(req.id, audit);
      writePlaces(req);
      return { request: req, created: true };
    }
    return { request: parse(byFormKey.get(req.formKey) as Row)!, created: false };
  });

  const updateTx = db.transaction((next: ProvisioningRequest, audit?: Omit<AuditEntry, 'requestId'>) => {
    const info = updateReq.run({
      id: next.id,
      state: next.state,
      version: next.version,
      held: held(next.state),
      terminal: isTerminal(next.state) ? 1 : 0,
      record: JSON.stringify(next),
      updatedAt: next.updatedAt,
    });
    if (info.changes !== 1) return false;
    if (audit) writeAudit(next.id, audit);
    writePlaces(next);
    return true;
  });

  return {
    async insert(req, secrets, audit) {
      return shortNameClash(req.customer.shortName, () => insertTx(req, secrets, audit));
    },
    async get(id) {
      return parse(byId.get(id) as Row | undefined);
    },
    async getByFormKey(formKey) {
      return parse(byFormKey.get(formKey) as Row | undefined);
    },
    async listByState(states: readonly RequestState[]) {
      if (states.length === 0) return [];
      const rows = db
        .prepare(`SELECT record FROM requests WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY created_at, rowid`)
        .all(...states) as Row[];
      return rows.map((r) => parse(r)!);
    },
    async findShortNameHolder(shortName) {
      return parse(shortNameHolder.get(shortName.toLowerCase()) as Row | undefined);
    },
    async update(next, audit) {
      return shortNameClash(next.customer.shortName, () => updateTx(next, audit));
    },
    async list(q: RequestQuery) {
      const where = ['p.conversation = ?'];
      const args: unknown[] = [conversationRoot(q.conversation)];
      if (q.requestedBy) {
        where.push('r.requested_by = ?');
        args.push(q.requestedBy);
      }
      if (q.states) {
        if (q.states.length === 0) return [];
        where.push(`r.state IN (${q.states.map(() => '?').join(',')})`);
        args.push(...q.states);
      }
      if (q.before) {
        where.push('(r.created_at < ? OR (r.created_at = ? AND r.id < ?))');
        args.push(q.before.createdAt, q.before.createdAt, q.before.id);
      }
      const rows = db
        .prepare(
          `SELECT r.record FROM request_places p JOIN requests r ON r.id = p.request_id
           WHERE ${where.join(' AND ')} ORDER BY r.created_at DESC, r.id DESC LIMIT ?`,
        )
        .all(...args, q.limit) as Row[];
      return rows.map((r) => parse(r)!);
    },
    async findByShortName(shortName, limit) {
      return (byShortName.all(shortName.toLowerCase(), limit) as Row[]).map((r) => parse(r)!);
    },
    async requestTimesBy(actorId, sinceIso) {
      return (timesBy.all(actorId, sinceIso) as { created_at: string }[]).map((r) => r.created_at);
    },
    async secrets(id) {
      const row = secretsOf.get(id) as { secrets: string | null } | undefined;
      if (!row?.secrets) return {};
      return JSON.parse(box.open(row.secrets)) as SecretValues;
    },
    async audit(id) {
      const rows = auditOf.all(id) as { request_id: string; at: string; actor: string; action: string; detail: string | null }[];
      return rows.map((r) => ({ requestId: r.request_id, at: r.at, actor: r.actor, action: r.action, detail: r.detail ? JSON.parse(r.detail) : undefined }));
    },
    async ping() {
      writeHealth.run(new Date().toISOString());
    },
    async close() {
      if (db.open) db.close();
    },
  } satisfies RequestStore;
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
