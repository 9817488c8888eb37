import type { Clock } from '../clock';
import type { RequestListener } from './ports';
import { AuditEntry, canTransition, isTerminal, ProvisioningRequest, RequestState } from './request';
import type { RequestStore } from './store';

export interface AuditNote {
  action: string;
  /** Who did it; 'system' for the bot's own steps. */
  actor?: string;
  detail?: Record<string, unknown>;
}

export interface RequestWriter {
  /** The version `commit` would write, and its trail entry, without writing (the store's admit writes it). */
  prepare(
    prev: ProvisioningRequest,
    patch: Partial<ProvisioningRequest>,
    audit: AuditNote,
  ): { next: ProvisioningRequest; audit: Omit<AuditEntry, 'requestId'> };
  /** Tells the listener of a version written elsewhere (admit). */
  told(next: ProvisioningRequest): void;
  /**
   * One guarded write of `prev` with `patch`: checks the transition against the state table, stamps
   * the version, the time and (for a final state) `finishedAt`, tells the listener. Returns the
   * stored request, or undefined when someone else wrote first (re-read and decide again).
   */
  commit(prev: ProvisioningRequest, patch: Partial<ProvisioningRequest>, audit?: AuditNote): Promise<ProvisioningRequest | undefined>;
  /**
   * Re-reads and applies `change` until the write sticks. `change` returns undefined when there is
   * nothing (more) to do. Gives up after a few lost races, returning undefined.
   */
  update(
    id: string,
    change: (req: ProvisioningRequest) => { patch: Partial<ProvisioningRequest>; audit?: AuditNote } | undefined,
  ): Promise<ProvisioningRequest | undefined>;
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly requestId: string,
    readonly from: RequestState,
    readonly to: RequestState,
  ) {
    super(`illegal transition ${from} → ${to} for ${requestId}`);
    this.name = 'IllegalTransitionError';
  }
}

const MAX_RACES = 5;

export interface WriterDeps {
  store: RequestStore;
  clock: Clock;
  listener: RequestListener;
  /** The runner's writer: every write needs this instance's lease on the request (LeaseLostError otherwise). */
  leaseOwner?: string;
}

export function createRequestWriter(deps: WriterDeps): RequestWriter {
  const { store, clock } = deps;
  const guard = deps.leaseOwner !== undefined ? { leaseOwner: deps.leaseOwner } : undefined;

  function prepare(prev: ProvisioningRequest, patch: Partial<ProvisioningRequest>) {
    const nextState: RequestState = patch.state ?? prev.state;
    if (nextState !== prev.state && !canTransition(prev.state, nextState)) throw new IllegalTransitionError(prev.id, prev.state, nextState);
    const now = clock.now().toISOString();
    const next: ProvisioningRequest = { ...prev, ...patch, version: prev.version + 1, updatedAt: now };
    if (isTerminal(next.state) && !next.finishedAt) next.finishedAt = now;
    return { next, now };
  }
  const entry = (now: string, audit: AuditNote) => ({ at: now, actor: audit.actor ?? 'system', action: audit.action, detail: audit.detail });

  async function commit(prev: ProvisioningRequest, patch: Partial<ProvisioningRequest>, audit?: AuditNote) {
    const { next, now } = prepare(prev, patch);
    const ok = await store.update(next, audit ? entry(now, audit) : undefined, guard);
    if (!ok) return undefined;
    deps.listener(next);
    return next;
  }

  return {
    prepare(prev, patch, audit) {
      const { next, now } = prepare(prev, patch);
      return { next, audit: entry(now, audit) };
    },
    told: (next) => deps.listener(next),
    commit,
    async update(id, change) {
      for (let race = 0; race < MAX_RACES; race++) {
        const req = await store.get(id);
        const c = req && change(req);
        if (!req || !c) return undefined;
        const written = await commit(req, c.patch, c.audit);
        if (written) return written;
      }
      return undefined;
    },
  };
}
