import { AuditEntry, ProvisioningRequest, RequestState } from './request';

export type SecretValues = Record<string, string>;

/** Which requests `list` shows: one conversation's (where they were asked or are decided), newest first. */
export interface RequestQuery {
  /** A conversation id; a channel thread counts as its channel (access.conversationRoot). */
  conversation: string;
  /** Only this actor's requests (`list mine`). */
  requestedBy?: string;
  /** Only requests in these states; all when absent. */
  states?: readonly RequestState[];
  /** The page after this request (keyset paging: stable while new requests arrive). */
  before?: { createdAt: string; id: string };
  limit: number;
}

/** Another request already holds this short name (two forms submitted at once). */
export class ActiveShortNameConflict extends Error {
  constructor(readonly shortName: string) {
    super(`another request holds the short name '${shortName}'`);
    this.name = 'ActiveShortNameConflict';
  }
}

/** Who follows a request: an instance's id and how long its claim lasts without a renewal. */
export interface Lease {
  owner: string;
  ms: number;
}

/** A request `claim` took; `from` is the instance whose expired lease it replaced (a take-over: audited as `taken.over`). */
export interface Claimed {
  request: ProvisioningRequest;
  from?: string;
}

/** The written version of a queued request that starts, with its trail entry (RequestWriter.prepare). */
export type Admission = (queued: ProvisioningRequest) => { next: ProvisioningRequest; audit: Omit<AuditEntry, 'requestId'> };

/** The database cannot be reached (PostgreSQL down or restarting): nothing was read or written; try again. */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  readonly userMessage =
    "The bot's database cannot be reached right now, so nothing was changed. Try again in a minute; requests already stored are kept and resume by themselves.";
  constructor(readonly causeCode?: string) {
    super(`the database cannot be reached${causeCode ? ` (${causeCode})` : ''}`);
    this.name = 'StoreUnavailableError';
  }
}

/** A runner's write for a request whose lease another instance now holds: this instance must stop following it. */
export class LeaseLostError extends Error {
  constructor(readonly requestId: string) {
    super(`the lease on ${requestId} is held by another instance`);
    this.name = 'LeaseLostError';
  }
}

/**
 * Where requests live. Async so a shared database can replace the embedded one; every write is
 * guarded by the request's version so two workers or two clicks cannot both advance it.
 */
export interface RequestStore {
  /**
   * Inserts unless a request with the same formKey exists; then returns that one, untouched.
   * Throws ActiveShortNameConflict when another unfinished request has the same short name.
   */
  insert(req: ProvisioningRequest, secrets: SecretValues, audit: Omit<AuditEntry, 'requestId'>): Promise<{ request: ProvisioningRequest; created: boolean }>;
  get(id: string): Promise<ProvisioningRequest | undefined>;
  getByFormKey(formKey: string): Promise<ProvisioningRequest | undefined>;
  /** Requests in any of the given states, oldest first. */
  listByState(states: readonly RequestState[]): Promise<ProvisioningRequest[]>;
  /** The request holding this short name (case-insensitive), per the state table's `holdsShortName`. */
  findShortNameHolder(shortName: string): Promise<ProvisioningRequest | undefined>;
  /**
   * Writes `next` if the stored version is still `next.version - 1`; returns false when someone
   * else wrote first (the caller re-reads and decides again). A write into a terminal state deletes
   * the request's secrets in the same transaction. Throws ActiveShortNameConflict when `next`
   * would hold a short name another request holds.
   */
  update(next: ProvisioningRequest, audit?: Omit<AuditEntry, 'requestId'>, guard?: { leaseOwner: string }): Promise<boolean>;
  /**
   * Leases: one instance follows a request in a runner state at a time (docs/storage.md). `claim`
   * takes every such request nobody holds (no lease, or an expired one) and returns them; with
   * `own`, also those `owner` holds already (at start: a previous run with the same INSTANCE_ID).
   * A write with `guard` throws LeaseLostError once another instance holds the lease. A request
   * that leaves the runner states drops its lease.
   */
  claim(lease: Lease, opts?: { own?: boolean }): Promise<Claimed[]>;
  /** Extends `owner`'s leases (the heartbeat); returns the ids still held. */
  renew(lease: Lease): Promise<string[]>;
  /** Gives these leases up (a clean stop): another instance may take them at once. */
  release(owner: string, ids: readonly string[]): Promise<void>;
  /**
   * The queue's start, one at a time across every instance: while fewer than `max` requests are in
   * a runner state (all instances counted), the oldest queued ones (by `queuedAt`) are written as
   * `admission` makes them and leased to `lease.owner`. Returns the started requests.
   */
  admit(lease: Lease, max: number, admission: Admission): Promise<ProvisioningRequest[]>;
  /**
   * Calls `onChange(id)` when another instance changed a request (a state change, a queue move, a
   * released lease). Undefined where one process is the only writer (SQLite). Returns a stop.
   */
  watch?(onChange: (id: string) => void): () => void;
  /** Requests of one conversation, newest first (`list`). */
  list(query: RequestQuery): Promise<ProvisioningRequest[]>;
  /** Requests for this short name (case-insensitive), newest first (`status <shortName>`). */
  findByShortName(shortName: string, limit: number): Promise<ProvisioningRequest[]>;
  /** When `actorId`'s requests were made, at or after `sinceIso`, oldest first (the per-user create limit). */
  requestTimesBy(actorId: string, sinceIso: string): Promise<string[]>;
  /** The sealed values stored with the request; empty once it reached a terminal state. */
  secrets(id: string): Promise<SecretValues>;
  audit(id: string): Promise<AuditEntry[]>;
  /** Resolves when the store can write (readiness); rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
