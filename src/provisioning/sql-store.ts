import { Kysely, RawBuilder, Transaction, type Generated } from 'kysely';
import { AuditEntry, holdsShortName, isTerminal, ProvisioningRequest, RequestSchema, RequestState, statesWhere } from './request';
import { SecretBox } from './secret-box';
import { conversationRoot, requestConversations } from './access';
import { ActiveShortNameConflict, Claimed, Lease, LeaseLostError, RequestQuery, RequestStore, SecretValues } from './store';

/**
 * The one query layer of both stores (Kysely): every `RequestStore` method is written once here and
 * runs on SQLite (better-sqlite3) and on PostgreSQL (`pg`). What differs between the two databases
 * is the few hooks of `SqlDialect`; migrations, connections and the PostgreSQL-only parts (LISTEN,
 * the instance lock, "database down") stay in sqlite-store.ts and postgres-store.ts. See docs/storage.md.
 */

/** The tables both stores share (each dialect's migrations create them; a column added here is a migration in both). */
export interface StoreSchema {
  requests: {
    id: string;
    form_key: string;
    state: string;
    version: number;
    short_name_lc: string;
    /** PostgreSQL: boolean; SQLite: 0/1 (SqlDialect.bool). */
    holds_short_name: boolean | number;
    requested_by: string;
    record: string;
    secrets: string | null;
    created_at: string;
    updated_at: string;
    /** The queue's order (record.queuedAt). */
    queued_at: string | null;
    /** The instance that follows the request while it is in a runner state, and until when. */
    lease_owner: string | null;
    /** PostgreSQL: timestamptz (the server's clock); SQLite: an ISO string. */
    lease_until: Date | string | null;
  };
  audit: { seq: Generated<number | string>; request_id: string; at: string; actor: string; action: string; detail: string | null };
  request_places: { request_id: string; conversation: string };
  health: { id: number; at: string };
}

export type StoreTx = Transaction<StoreSchema>;

/** What differs between SQLite and PostgreSQL, and nothing else. */
export interface SqlDialect {
  /** A boolean column's value (better-sqlite3 binds no booleans). */
  bool(value: boolean): boolean | number;
  /** The clock leases are measured on: PostgreSQL's own (one clock for every instance), SQLite's process. */
  now(): RawBuilder<Date> | string;
  /** When a lease taken now ends. */
  until(lease: Lease): RawBuilder<Date> | string;
  /** Insertion order of requests, for ties in created_at and queued_at (PostgreSQL: `seq`; SQLite: `rowid`). */
  insertionOrder: RawBuilder<unknown>;
  /** Claim candidates are locked and skipped when another instance holds them (`FOR UPDATE SKIP LOCKED`). */
  rowLocks: boolean;
  /** Serialises admissions across instances in this transaction (PostgreSQL: an advisory lock). */
  lockQueue(tx: StoreTx): Promise<void>;
  /** Tells other instances that a request changed (PostgreSQL: NOTIFY, sent at commit). */
  notify(tx: Kysely<StoreSchema>, id: string): Promise<void>;
  /** The partial unique index `requests_short_name_held` refused a write. */
  isShortNameClash(err: unknown): boolean;
}

const RUNNER_STATES = statesWhere((s) => s.runnerWorks);
const isRunnerState = (state: RequestState) => RUNNER_STATES.includes(state);

/** The store on `db`; `close` destroys `db`. */
export function createSqlStore(db: Kysely<StoreSchema>, d: SqlDialect, box: SecretBox): RequestStore {
  const parse = (row: { record: string } | undefined) => (row ? RequestSchema.parse(JSON.parse(row.record)) : undefined);
  const parseAll = (rows: { record: string }[]) => rows.map((r) => parse(r)!);

  const writeAudit = (tx: Kysely<StoreSchema>, requestId: string, a: Omit<AuditEntry, 'requestId'>) =>
    tx
      .insertInto('audit')
      .values({ request_id: requestId, at: a.at, actor: a.actor, action: a.action, detail: a.detail ? JSON.stringify(a.detail) : null })
      .execute();
  /**
   * The conversations each unfinished request was last written with here (after its transaction
   * committed): a request's places rarely change (a linked card), and its every write would
   * otherwise insert them again. Only a shortcut: another instance, or this one after a restart,
   * writes them again, and the insert ignores what is there.
   */
  const placesWritten = new Map<string, string>();
  const placesKey = (r: ProvisioningRequest) => requestConversations(r).join('\n');
  /** Called once `r`'s write has committed. */
  const remember = (r: ProvisioningRequest) => (isTerminal(r.state) ? placesWritten.delete(r.id) : placesWritten.set(r.id, placesKey(r)));
  const writePlaces = async (tx: Kysely<StoreSchema>, r: ProvisioningRequest) => {
    if (placesWritten.get(r.id) === placesKey(r)) return;
    const conversations = requestConversations(r);
    if (conversations.length)
      await tx
        .insertInto('request_places')
        .values(conversations.map((conversation) => ({ request_id: r.id, conversation })))
        .onConflict((oc) => oc.doNothing())
        .execute();
  };

  /**
   * One guarded write (the caller's transaction). A request entering a runner state is leased to
   * `lease` (admit); one leaving them drops its lease; `guard` is the runner's: the lease must be its.
   */
  async function write(tx: Kysely<StoreSchema>, next: ProvisioningRequest, audit: Omit<AuditEntry, 'requestId'> | undefined, guard?: string, lease?: Lease) {
    const runner = isRunnerState(next.state);
    let q = tx
      .updateTable('requests')
      .set({
        state: next.state,
        version: next.version,
        holds_short_name: d.bool(holdsShortName(next.state)),
        record: JSON.stringify(next),
        updated_at: next.updatedAt,
        queued_at: next.queuedAt ?? null,
        ...(isTerminal(next.state) ? { secrets: null } : {}),
        ...(lease ? { lease_owner: lease.owner, lease_until: d.until(lease) } : runner ? {} : { lease_owner: null, lease_until: null }),
      })
      .where('id', '=', next.id)
      .where('version', '=', next.version - 1);
    if (guard !== undefined) q = q.where('lease_owner', '=', guard);
    const res = await q.executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) {
      if (guard !== undefined) {
        const row = await tx.selectFrom('requests').select('lease_owner').where('id', '=', next.id).executeTakeFirst();
        if (row && row.lease_owner !== guard) throw new LeaseLostError(next.id);
      }
      return false;
    }
    if (audit) {
      await writeAudit(tx, next.id, audit);
      // Other instances hear of decisions and queue moves (unguarded writes); a runner's own steps
      // concern only the instance that follows the request, which made them.
      if (guard === undefined) await d.notify(tx, next.id);
    }
    await writePlaces(tx, next);
    return true;
  }

  /** The partial unique index speaks the database's language; callers get the domain's error. */
  async function shortNameClash<T>(shortName: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (d.isShortNameClash(err)) throw new ActiveShortNameConflict(shortName);
      throw err;
    }
  }

  return {
    insert(req, secrets, audit) {
      return shortNameClash(req.customer.shortName, async () => {
        const result = await db.transaction().execute(async (tx) => {
          const inserted = await tx
            .insertInto('requests')
            .values({
              id: req.id,
              form_key: req.formKey,
              state: req.state,
              version: req.version,
              short_name_lc: req.customer.shortName.toLowerCase(),
              holds_short_name: d.bool(holdsShortName(req.state)),
              requested_by: req.requestedBy.id,
              record: JSON.stringify(req),
              secrets: Object.keys(secrets).length && !isTerminal(req.state) ? box.seal(JSON.stringify(secrets)) : null,
              created_at: req.createdAt,
              updated_at: req.updatedAt,
              queued_at: req.queuedAt ?? null,
            })
            .onConflict((oc) => oc.column('form_key').doNothing())
            .returning('id')
            .executeTakeFirst();
          if (inserted) {
            await writeAudit(tx, req.id, audit);
            await d.notify(tx, req.id);
            await writePlaces(tx, req);
            return { request: req, created: true };
          }
          const first = await tx.selectFrom('requests').select('record').where('form_key', '=', req.formKey).executeTakeFirst();
          return { request: parse(first)!, created: false };
        });
        if (result.created) remember(req);
        return result;
      });
    },
    async get(id) {
      return parse(await db.selectFrom('requests').select('record').where('id', '=', id).executeTakeFirst());
    },
    async getByFormKey(formKey) {
      return parse(await db.selectFrom('requests').select('record').where('form_key', '=', formKey).executeTakeFirst());
    },
    async listByState(states: readonly RequestState[]) {
      if (states.length === 0) return [];
      return parseAll(
        await db
          .selectFrom('requests')
          .select('record')
          .where('state', 'in', [...states])
          .orderBy('created_at')
          .orderBy(d.insertionOrder)
          .execute(),
      );
    },
    async findShortNameHolder(shortName) {
      return parse(
        await db
          .selectFrom('requests')
          .select('record')
          .where('short_name_lc', '=', shortName.toLowerCase())
          .where('holds_short_name', '=', d.bool(true))
          .limit(1)
          .executeTakeFirst(),
      );
    },
    update(next, audit, guard) {
      return shortNameClash(next.customer.shortName, async () => {
        // One statement (a step, no trail entry, the places known) needs no transaction round trips.
        const single = !audit && placesWritten.get(next.id) === placesKey(next);
        const ok = single
          ? await write(db, next, undefined, guard?.leaseOwner)
          : await db.transaction().execute((tx) => write(tx, next, audit, guard?.leaseOwner));
        if (ok) remember(next);
        return ok;
      });
    },
    claim(lease, opts) {
      return db.transaction().execute(async (tx) => {
        // Free: no lease or an expired one (or, asked, already ours). The previous holder is read with it: a take-over is written to the trail.
        let free = tx
          .selectFrom('requests')
          .select(['id', 'record', 'lease_owner'])
          .where('state', 'in', RUNNER_STATES)
          .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_until', '<', d.now()), ...(opts?.own ? [eb('lease_owner', '=', lease.owner)] : [])]));
        if (d.rowLocks) free = free.forUpdate().skipLocked();
        const rows = await free.execute();
        if (!rows.length) return [];
        await tx
          .updateTable('requests')
          .set({ lease_owner: lease.owner, lease_until: d.until(lease) })
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
        const at = new Date().toISOString();
        const claimed: Claimed[] = [];
        for (const row of rows) {
          const from = row.lease_owner !== null && row.lease_owner !== lease.owner ? row.lease_owner : undefined;
          if (from) await writeAudit(tx, row.id, { at, actor: 'system', action: 'taken.over', detail: { from, by: lease.owner } });
          claimed.push({ request: parse(row)!, ...(from ? { from } : {}) });
        }
        return claimed;
      });
    },
    async renew(lease) {
      const rows = await db
        .updateTable('requests')
        .set({ lease_until: d.until(lease) })
        .where('lease_owner', '=', lease.owner)
        .where('state', 'in', RUNNER_STATES)
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },
    async release(owner, ids) {
      if (!ids.length) return;
      await db.transaction().execute(async (tx) => {
        const rows = await tx
          .updateTable('requests')
          .set({ lease_owner: null, lease_until: null })
          .where('lease_owner', '=', owner)
          .where('id', 'in', [...ids])
          .returning('id')
          .execute();
        for (const r of rows) await d.notify(tx, r.id);
      });
    },
    async admit(lease, max, admission) {
      const started = await db.transaction().execute(async (tx) => {
        // One admission at a time across every instance: the count and the starts are one decision.
        await d.lockQueue(tx);
        const active = await tx
          .selectFrom('requests')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('state', 'in', RUNNER_STATES)
          .executeTakeFirstOrThrow();
        const room = max - Number(active.n);
        if (room <= 0) return [];
        const queued = await tx
          .selectFrom('requests')
          .select('record')
          .where('state', '=', 'queued')
          .orderBy('queued_at')
          .orderBy(d.insertionOrder)
          .limit(room)
          .execute();
        const written: ProvisioningRequest[] = [];
        for (const row of queued) {
          const { next, audit } = admission(parse(row)!);
          if (await write(tx, next, audit, undefined, lease)) written.push(next);
        }
        return written;
      });
      started.forEach(remember);
      return started;
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
      return parseAll(await query.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(q.limit).execute());
    },
    async findByShortName(shortName, limit) {
      return parseAll(
        await db
          .selectFrom('requests')
          .select('record')
          .where('short_name_lc', '=', shortName.toLowerCase())
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(limit)
          .execute(),
      );
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
      await db.destroy();
    },
  } satisfies RequestStore;
}
