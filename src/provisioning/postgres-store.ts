import { Kysely, PostgresDialect, sql, type Generated, type Transaction } from 'kysely';
import pg from 'pg';
import { AuditEntry, holdsShortName, isTerminal, ProvisioningRequest, RequestSchema, RequestState } from './request';
import { SecretBox } from './secret-box';
import { conversationRoot, requestConversations } from './access';
import { ActiveShortNameConflict, RequestQuery, RequestStore, SecretValues } from './store';

/**
 * The store on PostgreSQL (several instances, one database: issue 14). The same contract as the
 * embedded SQLite store (test/contracts/request-store.contract.ts), the same layout: queried fields
 * are columns, the rest of the record is JSON validated by zod on the way out. Kysely is the query
 * layer; its PostgreSQL dialect runs on `pg`. See docs/storage.md.
 *
 * DATABASE_URL selects it. One instance per database for now (`exclusive`): the runner's leases
 * (one instance follows a request at a time) come first, so that two can never both send a create.
 */

interface RequestsTable {
  id: string;
  form_key: string;
  state: string;
  version: number;
  short_name_lc: string;
  holds_short_name: boolean;
  requested_by: string;
  record: string;
  secrets: string | null;
  created_at: string;
  updated_at: string;
  /** Insertion order, for ties in created_at (SQLite's rowid). */
  seq: Generated<string>;
}

interface AuditTable {
  seq: Generated<string>;
  request_id: string;
  at: string;
  actor: string;
  action: string;
  detail: string | null;
}

interface Schema {
  requests: RequestsTable;
  audit: AuditTable;
  request_places: { request_id: string; conversation: string };
  health: { id: number; at: string };
  schema_migrations: { version: number; applied_at: Generated<Date> };
}

/** Versioned, applied in order at start under an advisory lock: two instances starting together apply each once. */
const MIGRATIONS: string[] = [
  `CREATE TABLE requests (
     id TEXT PRIMARY KEY,
     form_key TEXT NOT NULL UNIQUE,
     state TEXT NOT NULL,
     version INTEGER NOT NULL,
     short_name_lc TEXT NOT NULL,
     holds_short_name BOOLEAN NOT NULL,
     requested_by TEXT NOT NULL,
     record TEXT NOT NULL,
     secrets TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     seq BIGSERIAL NOT NULL
   );
   CREATE INDEX requests_state ON requests(state, created_at, seq);
   CREATE UNIQUE INDEX requests_short_name_held ON requests(short_name_lc) WHERE holds_short_name;
   CREATE INDEX requests_by_requester ON requests(requested_by, created_at);
   CREATE INDEX requests_created ON requests(created_at, id);
   CREATE INDEX requests_short_name ON requests(short_name_lc, created_at);
   CREATE TABLE audit (
     seq BIGSERIAL PRIMARY KEY,
     request_id TEXT NOT NULL,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     detail TEXT
   );
   CREATE INDEX audit_request ON audit(request_id, seq);
   CREATE TABLE request_places (
     request_id TEXT NOT NULL,
     conversation TEXT NOT NULL,
     PRIMARY KEY (conversation, request_id)
   );
   CREATE TABLE health (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL);`,
];

/** The schema version this build writes; a newer database refuses to open. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

export interface PostgresStoreOptions {
  /** postgres://user:password@host:5432/database */
  url: string;
  secretBox: SecretBox;
  /** A schema of its own (tests: one per store); default the connection's search_path. */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /**
   * This process is the only bot on the database: held with a session advisory lock on a connection
   * of its own for as long as the store is open; a second instance is refused at open. Until the
   * runner's leases let instances share requests, two would both follow (and create) the same ones.
   */
  exclusive?: boolean;
}

/** Another instance holds the database (PostgresStoreOptions.exclusive). */
export class DatabaseInUseError extends Error {
  constructor() {
    super(
      'Another bot instance is already using this database. Run one instance per database for now (several instances sharing one come with the runner’s leases: docs/storage.md), or give this one its own DATABASE_URL or DATABASE_SCHEMA.',
    );
    this.name = 'DatabaseInUseError';
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Opens the store: connects, applies the migrations this build knows, refuses a newer schema. */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<RequestStore> {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    ...(opts.schema ? { options: `-c search_path=${quoteIdent(opts.schema)}` } : {}),
  });
  // An idle client losing its server (a restart) must not crash the process: the next query fails instead.
  pool.on('error', () => undefined);
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  let holder: pg.PoolClient | undefined;
  try {
    await migrate(db, opts.schema);
    if (opts.exclusive) {
      holder = await pool.connect();
      const got = await holder.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`ump-bot-instance:${opts.schema ?? ''}`]);
      if (!got.rows[0]?.ok) throw new DatabaseInUseError();
    }
  } catch (err) {
    holder?.release();
    await db.destroy();
    throw err;
  }
  const box = opts.secretBox;
  const parse = (row: { record: string } | undefined) => (row ? RequestSchema.parse(JSON.parse(row.record)) : undefined);

  const writeAudit = (tx: Transaction<Schema>, requestId: string, a: Omit<AuditEntry, 'requestId'>) =>
    tx
      .insertInto('audit')
      .values({ request_id: requestId, at: a.at, actor: a.actor, action: a.action, detail: a.detail ? JSON.stringify(a.detail) : null })
      .execute();
  const writePlaces = async (tx: Transaction<Schema>, r: ProvisioningRequest) => {
    const places = requestConversations(r).map((conversation) => ({ request_id: r.id, conversation }));
    if (places.length)
      await tx
        .insertInto('request_places')
        .values(places)
        .onConflict((oc) => oc.doNothing())
        .execute();
  };

  /** The partial unique index speaks PostgreSQL; callers get the domain's error. */
  async function shortNameClash<T>(shortName: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      if (e?.code === '23505' && e.constraint === 'requests_short_name_held') throw new ActiveShortNameConflict(shortName);
      throw err;
    }
  }

  return {
    insert(req, secrets, audit) {
      return shortNameClash(req.customer.shortName, () =>
        db.transaction().execute(async (tx) => {
          const inserted = await tx
            .insertInto('requests')
            .values({
              id: req.id,
              form_key: req.formKey,
              state: req.state,
              version: req.version,
              short_name_lc: req.customer.shortName.toLowerCase(),
              holds_short_name: holdsShortName(req.state),
              requested_by: req.requestedBy.id,
              record: JSON.stringify(req),
              secrets: Object.keys(secrets).length && !isTerminal(req.state) ? box.seal(JSON.stringify(secrets)) : null,
              created_at: req.createdAt,
              updated_at: req.updatedAt,
            })
            .onConflict((oc) => oc.column('form_key').doNothing())
            .returning('id')
            .executeTakeFirst();
          if (inserted) {
            await writeAudit(tx, req.id, audit);
            await writePlaces(tx, req);
            return { request: req, created: true };
          }
          const first = await tx.selectFrom('requests').select('record').where('form_key', '=', req.formKey).executeTakeFirst();
          return { request: parse(first)!, created: false };
        }),
      );
    },
    async get(id) {
      return parse(await db.selectFrom('requests').select('record').where('id', '=', id).executeTakeFirst());
    },
    async getByFormKey(formKey) {
      return parse(await db.selectFrom('requests').select('record').where('form_key', '=', formKey).executeTakeFirst());
    },
    async listByState(states: readonly RequestState[]) {
      if (states.length === 0) return [];
      const rows = await db
        .selectFrom('requests')
        .select('record')
        .where('state', 'in', [...states])
        .orderBy('created_at')
        .orderBy('seq')
        .execute();
      return rows.map((r) => parse(r)!);
    },
    async findShortNameHolder(shortName) {
      return parse(
        await db
          .selectFrom('requests')
          .select('record')
          .where('short_name_lc', '=', shortName.toLowerCase())
          .where('holds_short_name', '=', true)
          .executeTakeFirst(),
      );
    },
    update(next, audit) {
      return shortNameClash(next.customer.shortName, () =>
        db.transaction().execute(async (tx) => {
          const res = await tx
            .updateTable('requests')
            .set({
              state: next.state,
              version: next.version,
              holds_short_name: holdsShortName(next.state),
              record: JSON.stringify(next),
              updated_at: next.updatedAt,
              ...(isTerminal(next.state) ? { secrets: null } : {}),
            })
            .where('id', '=', next.id)
            .where('version', '=', next.version - 1)
            .executeTakeFirst();
          if (Number(res.numUpdatedRows) !== 1) return false;
          if (audit) await writeAudit(tx, next.id, audit);
          await writePlaces(tx, next);
          return true;
        }),
      );
    },
    async list(q: RequestQuery) {
      if (q.states && q.states.length === 0) return [];
      let query = db
        .selectFrom('request_places as p')
        .innerJoin('requests as r', 'r.id', 'p.request_id')
        .select('r.record')
        .where('p.conversation', '=', conversationRoot(q.conversation));
      if (q.requestedBy) query = query.where('r.requested_by', '=', q.requestedBy);
      if (q.states) query = query.where('r.state', 'in', [...q.states]);
      const before = q.before;
      if (before) {
        query = query.where((eb) =>
          eb.or([eb('r.created_at', '<', before.createdAt), eb.and([eb('r.created_at', '=', before.createdAt), eb('r.id', '<', before.id)])]),
        );
      }
      const rows = await query.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(q.limit).execute();
      return rows.map((r) => parse(r)!);
    },
    async findByShortName(shortName, limit) {
      const rows = await db
        .selectFrom('requests')
        .select('record')
        .where('short_name_lc', '=', shortName.toLowerCase())
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => parse(r)!);
    },
    async requestTimesBy(actorId, sinceIso) {
      const rows = await db
        .selectFrom('requests')
        .select('created_at')
        .where('requested_by', '=', actorId)
        .where('created_at', '>=', sinceIso)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => r.created_at);
    },
    async secrets(id) {
      const row = await db.selectFrom('requests').select('secrets').where('id', '=', id).executeTakeFirst();
      if (!row?.secrets) return {};
      return JSON.parse(box.open(row.secrets)) as SecretValues;
    },
    async audit(id) {
      const rows = await db.selectFrom('audit').select(['request_id', 'at', 'actor', 'action', 'detail']).where('request_id', '=', id).orderBy('seq').execute();
      return rows.map((r) => ({ requestId: r.request_id, at: r.at, actor: r.actor, action: r.action, detail: r.detail ? JSON.parse(r.detail) : undefined }));
    },
    async ping() {
      await db
        .insertInto('health')
        .values({ id: 1, at: new Date().toISOString() })
        .onConflict((oc) => oc.column('id').doUpdateSet({ at: (eb) => eb.ref('excluded.at') }))
        .execute();
    },
    async close() {
      // Ending the session releases the instance lock.
      holder?.release(true);
      await db.destroy();
    },
  } satisfies RequestStore;
}

async function migrate(db: Kysely<Schema>, schema: string | undefined): Promise<void> {
  await db.transaction().execute(async (tx) => {
    // One instance migrates at a time; the others wait here, then find nothing left to do.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`ump-bot-migrations:${schema ?? ''}`}))`.execute(tx);
    if (schema) await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`).execute(tx);
    await sql`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`.execute(tx);
    const row = await tx
      .selectFrom('schema_migrations')
      .select((eb) => eb.fn.max('version').as('v'))
      .executeTakeFirst();
    const current = Number(row?.v ?? 0);
    if (current > MIGRATIONS.length) {
      throw new Error(`The database was written by a newer version of the bot (schema ${current}); upgrade the bot instead of downgrading.`);
    }
    for (let v = current; v < MIGRATIONS.length; v++) {
      await sql.raw(MIGRATIONS[v]).execute(tx);
      await tx
        .insertInto('schema_migrations')
        .values({ version: v + 1 })
        .execute();
    }
  });
}
