import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AuditEntry, ProvisioningRequest, RequestSchema, RequestState, isTerminal, REQUEST_STATES } from './request';
import { SecretBox } from './secret-box';
import { ActiveShortNameConflict, RequestStore, SecretValues } from './store';

/**
 * The embedded store (SQLite in DATA_DIR). Queried fields are columns; the rest of the record is
 * JSON validated by zod on the way out, so adding a field is not a migration. See docs/storage.md.
 */
const MIGRATIONS: string[] = [
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
   -- At most one unfinished request per short name, even when two forms are submitted at once.
   -- New non-terminal states (approval) must be added here by a migration.
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
];

interface Row {
  record: string;
}

const ACTIVE_STATES = REQUEST_STATES.filter((s) => !isTerminal(s));

export function openSqliteStore(opts: { dataDir: string; secretBox: SecretBox; fileName?: string }): RequestStore {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const db = new Database(path.join(opts.dataDir, opts.fileName ?? 'requests.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`The store in ${opts.dataDir} was written by a newer version (schema ${current}); upgrade the bot instead of downgrading.`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  const box = opts.secretBox;
  const parse = (row: Row | undefined) => (row ? RequestSchema.parse(JSON.parse(row.record)) : undefined);

  const insertReq = db.prepare(
    `INSERT INTO requests (id, form_key, state, version, short_name_lc, record, secrets, created_at, updated_at)
     VALUES (@id, @formKey, @state, @version, @shortNameLc, @record, @secrets, @createdAt, @updatedAt)
     ON CONFLICT(form_key) DO NOTHING`,
  );
  const insertAudit = db.prepare(`INSERT INTO audit (request_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)`);
  const byId = db.prepare(`SELECT record FROM requests WHERE id = ?`);
  const byFormKey = db.prepare(`SELECT record FROM requests WHERE form_key = ?`);
  // Asked on every submit: prepared once.
  const activeByShortName = db.prepare(`SELECT record FROM requests WHERE short_name_lc = ? AND state IN (${ACTIVE_STATES.map(() => '?').join(',')}) LIMIT 1`);
  const updateReq = db.prepare(
    `UPDATE requests SET state = @state, version = @version, record = @record, updated_at = @updatedAt
     WHERE id = @id AND version = @version - 1`,
  );
  const writeAudit = (requestId: string, a: Omit<AuditEntry, 'requestId'>) =>
    insertAudit.run(requestId, a.at, a.actor, a.action, a.detail ? JSON.stringify(a.detail) : null);

  const insertTx = db.transaction((req: ProvisioningRequest, secrets: SecretValues, audit: Omit<AuditEntry, 'requestId'>) => {
    const info = insertReq.run({
      id: req.id,
      formKey: req.formKey,
      state: req.state,
      version: req.version,
      shortNameLc: req.customer.shortName.toLowerCase(),
      record: JSON.stringify(req),
      secrets: Object.keys(secrets).length ? box.seal(JSON.stringify(secrets)) : null,
      createdAt: req.createdAt,
      updatedAt: req.updatedAt,
    });
    if (info.changes === 1) {
      writeAudit(req.id, audit);
      return { request: req, created: true };
    }
    return { request: parse(byFormKey.get(req.formKey) as Row)!, created: false };
  });

  return {
    async insert(req, secrets, audit) {
      try {
        return insertTx(req, secrets, audit);
      } catch (err) {
        // Checked by shape: better-sqlite3's error class may come from another realm (test runners).
        const e = err as { code?: string; message?: string };
        if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && /short_name/.test(e.message ?? '')) throw new ActiveShortNameConflict(req.customer.shortName);
        throw err;
      }
    },
    async get(id) {
      return parse(byId.get(id) as Row | undefined);
    },
    async getByFormKey(formKey) {
      return parse(byFormKey.get(formKey) as Row | undefined);
    },
    async listByState(states: readonly RequestState[]) {
      if (states.length === 0) return [];
      const rows = db.prepare(`SELECT record FROM requests WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY created_at`).all(...states) as Row[];
      return rows.map((r) => parse(r)!);
    },
    async findActiveByShortName(shortName) {
      return parse(activeByShortName.get(shortName.toLowerCase(), ...ACTIVE_STATES) as Row | undefined);
    },
    async update(next, audit) {
      return db.transaction(() => {
        const info = updateReq.run({ id: next.id, state: next.state, version: next.version, record: JSON.stringify(next), updatedAt: next.updatedAt });
        if (info.changes !== 1) return false;
        if (audit) writeAudit(next.id, audit);
        return true;
      })();
    },
    async secrets(id) {
      const row = db.prepare(`SELECT secrets FROM requests WHERE id = ?`).get(id) as { secrets: string | null } | undefined;
      if (!row?.secrets) return {};
      return JSON.parse(box.open(row.secrets)) as SecretValues;
    },
    async clearSecrets(id) {
      db.prepare(`UPDATE requests SET secrets = NULL WHERE id = ?`).run(id);
    },
    async audit(id) {
      const rows = db.prepare(`SELECT request_id, at, actor, action, detail FROM audit WHERE request_id = ? ORDER BY seq`).all(id) as {
        request_id: string;
        at: string;
        actor: string;
        action: string;
        detail: string | null;
      }[];
      return rows.map((r) => ({ requestId: r.request_id, at: r.at, actor: r.actor, action: r.action, detail: r.detail ? JSON.parse(r.detail) : undefined }));
    },
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (db.open) db.close();
    },
  } satisfies RequestStore;
}
