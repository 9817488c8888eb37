import type { Logger } from '../logger';
import type { ProvisioningRequest } from './request';
import type { Lease, RequestStore } from './store';

/**
 * What this instance follows, claimed rather than assumed (docs/storage.md, "Leases"). Every
 * `lease.ms / 3` it renews the leases it holds (a lease lost means another instance took the
 * request: its loop ends), claims requests whose lease expired (their instance died) or was
 * released (a clean stop), and works the queue. Another instance's change (PostgreSQL NOTIFY)
 * brings the next look forward. With SQLite this process is the only owner and the loop finds
 * nothing new; the code path is the same.
 */
export interface LeaseKeeper {
  /** Claims what is free and starts following it (at start, and then on every beat). */
  start(): Promise<void>;
  /** This instance holds `id`'s lease (the queue just admitted it to this instance). */
  hold(id: string): void;
  holds(id: string): boolean;
  /** How many requests this instance follows. */
  size(): number;
  /** Its loop ended (a final state, or the lease was lost). */
  forget(id: string): void;
  /** Stops the beat and gives up every lease except those still `busy` (a create may be in flight: they expire instead). */
  stop(busy: readonly string[]): Promise<void>;
}

export interface LeaseKeeperDeps {
  store: RequestStore;
  lease: Lease;
  logger: Logger;
  /** Follow a request this instance just claimed (its card is re-rendered first). */
  follow(req: ProvisioningRequest): void;
  /** Every beat and every notice from another instance: work the queue, look at approvals. */
  onBeat(reason: 'beat' | 'notice'): Promise<void>;
}

/** How long notices gather before one look: a decision made elsewhere is acted on within this. */
const NOTICE_COALESCE_MS = 200;

export function createLeaseKeeper(deps: LeaseKeeperDeps): LeaseKeeper {
  const { store, lease, logger } = deps;
  const held = new Set<string>();
  const beatMs = Math.max(100, Math.floor(lease.ms / 3));
  let timer: NodeJS.Timeout | undefined;
  let unwatch: (() => void) | undefined;
  let noticeTimer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  async function claim(own = false) {
    for (const { request, from } of await store.claim(lease, { own })) {
      if (held.has(request.id)) continue;
      held.add(request.id);
      if (from) logger.warn({ requestId: request.id, from }, 'took over a request whose instance stopped renewing its lease');
      deps.follow(request);
    }
  }

  /** The heartbeat renews what this instance holds; a notice only looks for what was freed (a released or expired lease). */
  async function beat(reason: 'beat' | 'notice') {
    if (reason === 'beat' && held.size) {
      const still = new Set(await store.renew(lease));
      const lost = [...held].filter((id) => !still.has(id));
      if (lost.length) {
        lost.forEach((id) => held.delete(id));
        // Their loops see it (`holds`) at their next step and end.
        logger.warn({ requestIds: lost }, 'another instance holds these requests now; no longer following them here');
      }
    }
    await claim();
  }

  /** One look at a time; a failure (the database is down) is logged and the next beat tries again. */
  function look(reason: 'beat' | 'notice') {
    running = running
      .then(async () => {
        if (stopped) return;
        await beat(reason);
        await deps.onBeat(reason);
      })
      .catch((err) =>
        logger.warn({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'lease loop: the store did not answer; trying again'),
      );
    return running;
  }

  return {
    async start() {
      // What this INSTANCE_ID held before a restart is its own again.
      await claim(true);
      timer = setInterval(() => void look('beat'), beatMs);
      timer.unref();
      unwatch = store.watch?.(() => {
        // A burst of notices is one look (under load another instance writes hundreds a second).
        noticeTimer ??= setTimeout(() => {
          noticeTimer = undefined;
          void look('notice');
        }, NOTICE_COALESCE_MS);
      });
    },
    hold: (id) => void held.add(id),
    holds: (id) => held.has(id),
    size: () => held.size,
    forget: (id) => void held.delete(id),
    async stop(busy) {
      stopped = true;
      if (timer) clearInterval(timer);
      if (noticeTimer) clearTimeout(noticeTimer);
      unwatch?.();
      await running;
      const free = [...held].filter((id) => !busy.includes(id));
      held.clear();
      await store
        .release(lease.owner, free)
        .catch((err) => logger.warn({ err: { message: (err as Error).message } }, 'could not give up leases at stop; they expire instead'));
    },
  };
}
