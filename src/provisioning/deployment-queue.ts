import type { Logger } from '../logger';
import type { ProvisioningRequest } from './request';
import type { RequestWriter } from './request-writer';
import type { Lease, RequestStore } from './store';

/**
 * The queue in front of Live Platform: at most `maxConcurrent` requests talk to it at once (the
 * runner's states), counted over every instance on the database; the rest wait in state `queued`
 * and start in the order they were queued (`queuedAt`). The order and the count live in the store
 * (`RequestStore.admit`), so a restart or a second instance keeps every request in its place.
 * A burst of fifty submits never becomes fifty simultaneous SBC deployments.
 */
export interface DeploymentQueue {
  /** A request in state `queued` (new, approved, found after a restart). Resolves once the queue was worked. */
  add(req: ProvisioningRequest): Promise<void>;
  /** A place may have freed (a deployment ended): the next in line may start. */
  release(id: string): void;
  /** It left the queue without starting (cancelled); those behind it move up. */
  remove(id: string): Promise<void>;
  /** Starts what there is room for and re-reads the waiting line (the lease loop; another instance's change). */
  pump(): Promise<void>;
  /** Re-reads the waiting line without editing any card: the instance that moved the queue tells the cards. */
  refresh(): Promise<void>;
  /** 1 for the next to start; undefined when not waiting. */
  position(id: string): number | undefined;
  /** How many wait (as last read), and the cap. */
  stats(): { waiting: number; maxConcurrent: number };
}

export interface QueueDeps {
  maxConcurrent: number;
  store: RequestStore;
  /** Prepares the `queued → submitted` write and tells the card updater once it is written. */
  writer: RequestWriter;
  /** This instance's lease: what it starts, it follows. */
  lease: Lease;
  /** Follows a request this instance just started (it holds its lease). */
  start(req: ProvisioningRequest): void;
  /** The positions of these waiting requests changed (their cards show them). */
  onMoved(ids: readonly string[]): void;
  logger: Logger;
  now(): number;
}

export function createDeploymentQueue(deps: QueueDeps): DeploymentQueue {
  /** The waiting line as last read, in queue order. */
  let waiting: string[] = [];
  let chain: Promise<void> = Promise.resolve();
  let retry: NodeJS.Timeout | undefined;

  async function readLine(): Promise<string[]> {
    const queued = await deps.store.listByState(['queued']);
    return queued.sort((a, b) => (a.queuedAt ?? a.createdAt).localeCompare(b.queuedAt ?? b.createdAt) || a.id.localeCompare(b.id)).map((r) => r.id);
  }

  /** Reads the line again; tells the cards whose place changed unless `silent`. */
  async function reread(silent: boolean) {
    const before = new Map(waiting.map((id, i) => [id, i]));
    waiting = await readLine();
    if (silent) return;
    const moved = waiting.filter((id, i) => before.has(id) && before.get(id) !== i);
    if (moved.length) deps.onMoved(moved);
  }

  async function startRoom(): Promise<void> {
    const started = await deps.store.admit(deps.lease, deps.maxConcurrent, (r) =>
      deps.writer.prepare(
        r,
        { state: 'submitted' },
        // Any instance may start a queued request (another's insert is announced to all); it follows what it starts.
        { action: 'dequeued', detail: { waitedMs: Math.max(0, deps.now() - Date.parse(r.queuedAt ?? r.createdAt)), instance: deps.lease.owner } },
      ),
    );
    for (const r of started) {
      deps.start(r);
      deps.writer.told(r);
    }
    await reread(false);
  }

  /** One pass at a time in this process (the store serialises passes across instances). */
  function run(pass: () => Promise<void>): Promise<void> {
    chain = chain.then(pass).catch((err) => {
      // The store could not be read or written: everything stays queued; try again shortly.
      deps.logger.error({ err: { message: (err as Error).message } }, 'deployment queue: could not start the next request; it stays queued');
      if (!retry) {
        retry = setTimeout(() => {
          retry = undefined;
          void run(startRoom);
        }, 1_000);
        retry.unref();
      }
    });
    return chain;
  }

  return {
    add: () => run(startRoom),
    // A place freed with nobody waiting starts nothing: no pass (under load most releases are that).
    // A line this instance has not seen yet is another's, which is read on its notice or the next beat.
    release: () => {
      if (waiting.length) void run(startRoom);
    },
    remove: () => run(() => reread(false)),
    pump: () => run(startRoom),
    refresh: () => run(() => reread(true)),
    position(id) {
      const i = waiting.indexOf(id);
      return i === -1 ? undefined : i + 1;
    },
    stats: () => ({ waiting: waiting.length, maxConcurrent: deps.maxConcurrent }),
  };
}
