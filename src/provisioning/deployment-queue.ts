import type { Logger } from '../logger';
import type { ProvisioningRequest } from './request';
import type { RequestWriter } from './request-writer';

/**
 * The queue in front of Live Platform: at most `maxConcurrent` requests talk to it at once (the
 * runner's states); the rest wait in state `queued` and start in the order they were queued
 * (`queuedAt`), which is stored, so a restart keeps every request in its place.
 * A burst of fifty submits never becomes fifty simultaneous SBC deployments.
 */
export interface DeploymentQueue {
  /** A request in state `queued` (new, or found after a restart). Resolves once it was started or placed. */
  add(req: ProvisioningRequest): Promise<void>;
  /** A request this process already follows in a runner state: it takes a place (restart). */
  occupy(id: string): void;
  /** Its runner loop ended in a final state: the place goes to the next in line. */
  release(id: string): void;
  /** It left the queue without starting (cancelled); those behind it move up. */
  remove(id: string): void;
  /** 1 for the next to start; undefined when not waiting. */
  position(id: string): number | undefined;
  /** How many wait, and how many places are taken. */
  stats(): { waiting: number; active: number; maxConcurrent: number };
}

export interface QueueDeps {
  maxConcurrent: number;
  writer: RequestWriter;
  /** Starts the runner on a request that was just moved to `submitted`. */
  start(id: string): void;
  /** The positions of these waiting requests changed (their cards show them). */
  onMoved(ids: readonly string[]): void;
  logger: Logger;
  now(): number;
}

export function createDeploymentQueue(deps: QueueDeps): DeploymentQueue {
  const active = new Set<string>();
  /** Waiting requests, in queue order. */
  let waiting: { id: string; queuedAt: string }[] = [];
  let chain: Promise<void> = Promise.resolve();

  function moved() {
    if (waiting.length) deps.onMoved(waiting.map((w) => w.id));
  }

  async function startNext(): Promise<void> {
    let changed = false;
    while (active.size < deps.maxConcurrent && waiting.length) {
      const next = waiting.shift()!;
      changed = true;
      let started;
      try {
        started = await deps.writer.update(next.id, (r) =>
          r.state === 'queued'
            ? {
                patch: { state: 'submitted' },
                audit: { action: 'dequeued', detail: { waitedMs: Math.max(0, deps.now() - Date.parse(r.queuedAt ?? r.createdAt)) } },
              }
            : undefined,
        );
      } catch (err) {
        // The store could not write: keep its place and try again shortly.
        waiting.unshift(next);
        setTimeout(() => void pump(), 1_000).unref();
        throw err;
      }
      if (started) {
        active.add(next.id);
        deps.start(next.id);
      }
    }
    if (changed) moved();
  }

  /** One pass at a time: two places freeing at once must not start the same request twice. */
  function pump(): Promise<void> {
    chain = chain.then(startNext).catch((err) => deps.logger.error({ err }, 'deployment queue: could not start the next request; it stays queued'));
    return chain;
  }

  return {
    add(req) {
      if (!active.has(req.id) && !waiting.some((w) => w.id === req.id)) {
        const entry = { id: req.id, queuedAt: req.queuedAt ?? req.createdAt };
        // Sorted insert: ISO times of one clock compare as strings.
        const at = waiting.findIndex((w) => w.queuedAt > entry.queuedAt);
        if (at === -1) waiting.push(entry);
        else waiting.splice(at, 0, entry);
      }
      return pump();
    },
    occupy(id) {
      active.add(id);
    },
    release(id) {
      if (active.delete(id)) void pump();
    },
    remove(id) {
      const before = waiting.length;
      waiting = waiting.filter((w) => w.id !== id);
      if (waiting.length !== before) moved();
    },
    position(id) {
      const i = waiting.findIndex((w) => w.id === id);
      return i === -1 ? undefined : i + 1;
    },
    stats: () => ({ waiting: waiting.length, active: active.size, maxConcurrent: deps.maxConcurrent }),
  };
}
