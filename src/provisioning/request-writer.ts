import type { Clock } from '../clock';
import type { RequestListener } from './ports';
import { canTransition, isTerminal, ProvisioningRequest, RequestState } from './request';
import type { RequestStore } from './store';

export interface AuditNote {
  action: string;
  /** Who did it; 'system' for the bot's own steps. */
  actor?: string;
  detail?: Record<string, unknown>;
}

export interface RequestWriter {
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

export function createRequestWriter(deps: { store: RequestStore; clock: Clock; listener: RequestListener }): RequestWriter {
  const { store, clock } = deps;

  async function commit(prev: ProvisioningRequest, patch: Partial<ProvisioningRequest>, audit?: AuditNote) {
    const nextState: RequestState = patch.state ?? prev.state;
    if (nextState !== prev.state && !canTransition(prev.state, nextState)) throw new IllegalTransitionError(prev.id, prev.state, nextState);
    const now = clock.now().toISOString();
    const next: ProvisioningRequest = { ...prev, ...patch, version: prev.version + 1, updatedAt: now };
    if (isTerminal(next.state) && !next.finishedAt) next.finishedAt = now;
    const ok = await store.update(next, audit ? { at: now, actor: audit.actor ?? 'system', action: audit.action, detail: audit.detail } : undefined);
    if (!ok) return undefined;
    deps.listener(next);
    return next;
  }

  return {
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
