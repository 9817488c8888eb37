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
  update(next: ProvisioningRequest, audit?: Omit<AuditEntry, 'requestId'>): Promise<boolean>;
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
