import { Kysely, PostgresDialect, sql, type Generated } from 'kysely';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { SecretBox } from './secret-box';
import { createSqlStore, SqlDialect, StoreSchema } from './sql-store';
import { RequestStore, StoreUnavailableError } from './store';

/**
 * The store on PostgreSQL (several instances, one database). Its queries are the shared query
 * layer's (sql-store.ts, Kysely on `pg`), so it keeps the same contract as the embedded SQLite store
 * (test/contracts/request-store.contract.ts). What is PostgreSQL's own lives here: the migrations,
 * the server's clock for leases, `FOR UPDATE SKIP LOCKED` and the advisory lock that make claims and
 * admissions safe across instances, NOTIFY/LISTEN, the instance lock, and "database down" as an
 * error that says so. See docs/storage.md and docs/operations.md.
 */

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
  // 2: the queue's order as a column, and leases: one instance follows a request at a time.
  `ALTER TABLE requests ADD COLUMN queued_at TEXT, ADD COLUMN lease_owner TEXT, ADD COLUMN lease_until TIMESTAMPTZ;
   UPDATE requests SET queued_at = record::json->>'queuedAt';
   CREATE INDEX requests_queue ON requests(queued_at, seq) WHERE state = 'queued';
   CREATE INDEX requests_lease ON requests(lease_owner) WHERE lease_owner IS NOT NULL;`,
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
   * This instance's id (INSTANCE_ID), held with a session advisory lock on a connection of its own
   * while the store is open: two running instances with one id would both think they hold the same
   * leases, so the second is refused at open.
   */
  instance?: string;
}

/** Another running instance has the same id (PostgresStoreOptions.instance). */
export class DuplicateInstanceError extends Error {
  constructor(readonly instance: string) {
    super(
      `Another bot instance with INSTANCE_ID '${instance}' is already running on this database. Give every instance its own INSTANCE_ID (the default is the host name), or stop the other one first.`,
    );
    this.name = 'DuplicateInstanceError';
  }
}

/** The database's schema is newer than this build's: said as it is, not as a connection problem. */
class NewerSchemaError extends Error {}

/** The store could not be opened at start: which server, what went wrong, and what to check. */
export class PostgresOpenError extends Error {
  constructor(url: string, cause: unknown) {
    const e = cause as { code?: string; message?: string };
    const where = describeServer(url);
    const advice: Record<string, string> = {
      ECONNREFUSED: 'nothing listens there: check that PostgreSQL runs, and the host and port in DATABASE_URL',
      ENOTFOUND: 'the host name does not resolve: check the host in DATABASE_URL',
      ETIMEDOUT: 'the server does not answer: check the host, the port and any firewall between',
      EHOSTUNREACH: 'the host cannot be reached: check the host in DATABASE_URL and the network',
      '28P01': 'the password was refused: check the user and password in DATABASE_URL',
      '28000': 'the server refused this user: check the user in DATABASE_URL and pg_hba.conf',
      '3D000': 'the database does not exist: create it (createdb) or fix its name in DATABASE_URL',
      '42501': 'the user may not create the tables: grant it CREATE on the database (or on DATABASE_SCHEMA)',
    };
    const what = (e?.code && advice[e.code]) || 'check DATABASE_URL and that the server accepts this user';
    super(
      `Cannot open the PostgreSQL store at ${where} (DATABASE_URL): ${e?.message ?? String(cause)}. ${what[0].toUpperCase()}${what.slice(1)}. The bot does not start without its database.`,
    );
    this.name = 'PostgresOpenError';
  }
}

/** user@host:port/database of a postgres:// URL, never its password. */
export function describeServer(url: string): string {
  try {
    const u = new URL(url);
    return `${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host || 'localhost'}${u.pathname}`;
  } catch {
    return 'the configured server';
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Where every connection of the store goes: the pool's and those of its own (LISTEN, the instance lock). */
const connection = (opts: PostgresStoreOptions): pg.ClientConfig => ({
  connectionString: opts.url,
  ...(opts.schema ? { options: `-c search_path=${quoteIdent(opts.schema)}` } : {}),
});

/** Takes this instance's id lock on `c`'s session, or refuses: another running instance has the id. */
async function lockInstance(c: pg.ClientBase, key: string, instance: string): Promise<void> {
  const got = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [key]);
  if (!got.rows[0]?.ok) throw new DuplicateInstanceError(instance);
}

/** Opens the store: connects, applies the migrations this build knows, refuses a newer schema. */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<RequestStore> {
  const pool = new pg.Pool({ ...connection(opts), max: opts.poolSize ?? 10 });
  // An idle client losing its server (a restart) must not crash the process: the next query fails instead.
  pool.on('error', () => undefined);
  const db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
  let holder: pg.PoolClient | undefined;
  const instanceLock = `ump-bot-instance:${opts.schema ?? ''}:${opts.instance}`;
  try {
    await migrate(db, opts.schema);
    if (opts.instance !== undefined) {
      holder = await pool.connect();
      await lockInstance(holder, instanceLock, opts.instance);
    }
  } catch (err) {
    holder?.release();
    await db.destroy();
    throw err instanceof DuplicateInstanceError || err instanceof NewerSchemaError ? err : new PostgresOpenError(opts.url, err);
  }
  // The lock lives as long as its session: when PostgreSQL restarts it goes, and is taken again on a
  // connection of its own once the server is back (an error here must not crash the process).
  let relock: (() => void) | undefined;
  holder?.on('error', () => {
    holder?.release(true);
    holder = undefined;
    relock ??= keepConnection(opts, (c) => lockInstance(c, instanceLock, opts.instance!));
  });
  /** Notices tell other instances of changes; one channel per schema, each store's own notices skipped by this token. */
  const stopListening = new Set<() => void>();
  const channel = `ump_requests:${opts.schema ?? ''}`;
  const token = randomUUID();
  const dialect: SqlDialect = {
    bool: (value) => value,
    now: () => sql<Date>`now()`,
    until: (lease) => sql<Date>`now() + ${lease.ms} * interval '1 millisecond'`,
    insertionOrder: sql`seq`,
    rowLocks: true,
    async lockQueue(tx) {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`ump-bot-queue:${opts.schema ?? ''}`}))`.execute(tx);
    },
    async notify(tx, id) {
      await sql`SELECT pg_notify(${channel}, ${`${token}|${id}`})`.execute(tx);
    },
    isShortNameClash(err) {
      const e = err as { code?: string; constraint?: string };
      return e?.code === '23505' && e.constraint === 'requests_short_name_held';
    },
  };
  const store = createSqlStore(db, dialect, opts.secretBox);

  return unavailableWhenDown({
    ...store,
    watch(onChange) {
      const stop = listen(opts, channel, (payload) => {
        const [from, id] = payload.split('|');
        if (from !== token && id) onChange(id);
      });
      stopListening.add(stop);
      return () => {
        stopListening.delete(stop);
        stop();
      };
    },
    async close() {
      stopListening.forEach((stop) => stop());
      // Ending the session releases the instance lock.
      holder?.release(true);
      relock?.();
      await store.close();
    },
  } satisfies RequestStore);
}

/** Connection-level failures (refused, reset, server shutting down or starting): the database is down, not the request wrong. */
const DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE', '57P01', '57P02', '57P03', '53300']);
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && (DOWN_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  return (
    typeof e?.message === 'string' &&
    /Connection terminated|connection timeout|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(e.message)
  );
}

/** Every async method of the store: a connection failure becomes StoreUnavailableError, which says what happened and what to do. */
function unavailableWhenDown(store: RequestStore): RequestStore {
  const wrapped = { ...store };
  for (const key of Object.keys(store) as (keyof RequestStore)[]) {
    if (key === 'watch') continue;
    const fn = store[key] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[key] = async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        if (isConnectionError(err)) throw new StoreUnavailableError((err as { code?: string }).code);
        throw err;
      }
    };
  }
  return wrapped;
}

async function migrate(store: Kysely<StoreSchema>, schema: string | undefined): Promise<void> {
  const db = store.withTables<{ schema_migrations: { version: number; applied_at: Generated<Date> } }>();
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
      throw new NewerSchemaError(`The database was written by a newer version of the bot (schema ${current}); upgrade the bot instead of downgrading.`);
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

/**
 * A connection of its own, opened again a second after it drops (PostgreSQL restarted) or after
 * `onOpen` fails; `onOpen` runs on every new connection. Ends with the returned stop.
 */
function keepConnection(opts: PostgresStoreOptions, onOpen: (c: pg.Client) => Promise<unknown>, onNotice?: (msg: pg.Notification) => void): () => void {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = () => {
    if (stopped) return;
    const c = new pg.Client(connection(opts));
    client = c;
    let again = false;
    const reconnect = () => {
      if (again || stopped) return;
      again = true;
      c.end().catch(() => undefined);
      retry = setTimeout(connect, 1_000);
      retry.unref();
    };
    c.on('error', reconnect);
    c.on('end', reconnect);
    if (onNotice) c.on('notification', onNotice);
    c.connect()
      .then(() => onOpen(c))
      .catch(reconnect);
  };
  connect();
  return () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    client?.end().catch(() => undefined);
  };
}

/** LISTEN on a connection of its own: a notice lost while it reconnects is covered by the lease loop's periodic look. */
function listen(opts: PostgresStoreOptions, channel: string, onPayload: (payload: string) => void): () => void {
  return keepConnection(
    opts,
    (c) => c.query(`LISTEN ${quoteIdent(channel)}`),
    (msg) => {
      if (msg.channel === channel && msg.payload) onPayload(msg.payload);
    },
  );
}
