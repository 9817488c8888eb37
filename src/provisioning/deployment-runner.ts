import { setMaxListeners } from 'node:events';
import { withDeadline } from '../deadline';
import type { Logger } from '../logger';
import { isTransient } from '../outbound/resilience';
import { UmpError } from '../ump/errors';
import type { ProgressSnapshot } from '../ump/types';
import { failureFromError, failureFromSnapshot } from './failures';
import type { Clock } from '../clock';
import { LivePlatformPort, RequestListener } from './ports';
import { deployDeadline, Failure, ObservedStep, ProvisioningRequest, STATES } from './request';
import { createRequestWriter } from './request-writer';
import { toApiRequest } from './request-spec';
import { RequestStore } from './store';

export interface RunnerOptions {
  pollIntervalMs: number;
  /** A deployment not finished this long after its create was sent is reported as failed. */
  deployTimeoutMs: number;
}

export interface DeploymentRunner {
  /** Drives the request to a final state in the background; a second call for a running id is a no-op. */
  start(id: string): void;
  /** Stops every loop at its next wait (bounded by graceMs). State stays in the store. */
  stop(graceMs?: number): Promise<void>;
}

export interface RunnerDeps {
  store: RequestStore;
  ump: LivePlatformPort;
  listener: RequestListener;
  logger: Logger;
  clock: Clock;
  options: RunnerOptions;
  /** A loop ended with its request out of the runner's states (final, or gone): its place is free. */
  onSettled?(id: string): void;
}

/** Steps as the server lists them now, keeping when we first saw each one. */
export function mergeSteps(previous: ObservedStep[], current: ProgressSnapshot['steps'], at: string): ObservedStep[] {
  return current.map((s, i) => {
    const p = previous[i];
    return p && p.level === s.level && p.message === s.message ? p : { level: s.level, message: s.message, at };
  });
}

export function createDeploymentRunner(deps: RunnerDeps): DeploymentRunner {
  const { store, ump, logger, clock, options } = deps;
  const writer = createRequestWriter({ store, clock, listener: deps.listener });
  const loops = new Map<string, Promise<void>>();
  const stopController = new AbortController();
  // Every running deployment waits on this one signal; hundreds of listeners are expected.
  setMaxListeners(0, stopController.signal);
  const sleep = (ms: number) => clock.sleep(ms, stopController.signal);

  const commit = (prev: ProvisioningRequest, patch: Partial<ProvisioningRequest>, action?: string, detail?: Record<string, unknown>) =>
    writer.commit(prev, patch, action ? { action, detail } : undefined);

  async function fail(req: ProvisioningRequest, failure: Failure) {
    return commit(req, { state: 'failed', failure }, 'failed', { step: failure.step, message: failure.message, traceId: failure.traceId });
  }

  async function applySnapshot(req: ProvisioningRequest, s: ProgressSnapshot, ump?: Partial<ProvisioningRequest['ump']>) {
    const now = clock.now().toISOString();
    const steps = mergeSteps(req.steps, s.steps, now);
    const umpNext = {
      ...req.ump,
      ...ump,
      rawState: s.rawState ?? req.ump.rawState,
      customerGuid: s.customerGuid ?? ump?.customerGuid ?? req.ump.customerGuid,
      lastError: undefined,
    };
    if (s.phase === 'succeeded') {
      return commit(
        req,
        {
          state: 'deployed',
          steps,
          ump: umpNext,
          result: { customerId: s.customerId ?? req.customer.shortName, customerGuid: umpNext.customerGuid, siteLocationIds: s.siteLocationIds ?? [] },
        },
        'deployed',
        { customerGuid: umpNext.customerGuid },
      );
    }
    if (s.phase === 'failed') return commit(req, { steps, ump: umpNext, state: 'failed', failure: failureFromSnapshot(s) }, 'failed', { rawState: s.rawState });
    const changed = req.state !== 'deploying' || JSON.stringify(steps) !== JSON.stringify(req.steps) || JSON.stringify(umpNext) !== JSON.stringify(req.ump);
    if (!changed) return req;
    return commit(req, { state: 'deploying', steps, ump: umpNext }, req.state === 'deploying' ? undefined : 'deploying', { mode: umpNext.mode });
  }

  /**
   * Live Platform did not answer (timeout, network, 5xx): note it on the card once, wait with
   * backoff, and try again. Bounded by the deploy timeout; the request is never dropped.
   */
  async function noteUnreachable(req: ProvisioningRequest, err: unknown, attempt: number) {
    const message = (err as UmpError).userMessage ?? (err as Error)?.message ?? 'no answer';
    logger.warn({ requestId: req.id, attempt, err: errSummary(err) }, 'Live Platform did not answer; will try again');
    const noted = req.ump.lastError === message ? req : await commit(req, { ump: { ...req.ump, lastError: message } });
    await sleep(Math.min(60_000, options.pollIntervalMs * 2 ** Math.min(attempt, 10)));
    return noted;
  }

  async function step(req: ProvisioningRequest, attempt: { transient: number }): Promise<ProvisioningRequest | undefined> {
    const deadline = deployDeadline(req, options.deployTimeoutMs);
    if (deadline !== undefined && clock.now().getTime() > deadline) {
      const minutes = formatMinutes(options.deployTimeoutMs);
      return fail(
        req,
        req.state === 'submitted'
          ? {
              step: 'Submit to Live Platform',
              message: `The request could not be delivered to Live Platform within ${minutes}${req.ump.lastError ? ` (${req.ump.lastError})` : ''}.`,
              hint: `Look for a customer named ${req.customer.shortName} in the Live Platform portal before trying again.`,
            }
          : {
              step: req.steps[req.steps.length - 1]?.message,
              message: `Live Platform did not report the end of the deployment within ${minutes}.`,
              hint: 'Check the customer in the Live Platform portal; it may still finish there.',
            },
      );
    }
    if (req.state === 'submitted') {
      const reconcile = !!req.ump.createAttemptedAt;
      let current = req;
      if (!reconcile) {
        const marked = await commit(req, { ump: { ...req.ump, createAttemptedAt: clock.now().toISOString() } }, 'create.sent');
        if (!marked) return undefined;
        current = marked;
      } else {
        logger.warn({ requestId: req.id }, 'the create may already have reached Live Platform (restart or no answer): reconciling by short name first');
      }
      try {
        const secrets = await store.secrets(req.id);
        const outcome = await ump.createCustomer(toApiRequest(current, secrets), { reconcileFirst: reconcile });
        attempt.transient = 0;
        if (outcome.mode === 'task') {
          return commit(current, { state: 'deploying', ump: { ...current.ump, mode: 'task', jobId: outcome.jobId, lastError: undefined } }, 'deploying', {
            mode: 'task',
            jobId: outcome.jobId,
          });
        }
        return applySnapshot(current, outcome.snapshot, { mode: outcome.mode, customerGuid: outcome.customerGuid, adopted: outcome.adopted });
      } catch (err) {
        // The client already reconciled by name where it could; what is still uncertain is retried
        // (with reconcile-first, since createAttemptedAt is set), never failed on a guess.
        if (isTransient(err)) return noteUnreachable(current, err, ++attempt.transient);
        logger.warn({ requestId: req.id, err: errSummary(err) }, 'create failed');
        return fail(current, failureFromError(err));
      }
    }
    // deploying: observe once after a pause.
    await sleep(options.pollIntervalMs);
    if (stopController.signal.aborted) return req;
    try {
      const snapshot =
        req.ump.mode === 'task' && req.ump.jobId ? await ump.getTaskProgress(req.ump.jobId) : await ump.getCustomerProgress(req.ump.customerGuid ?? '');
      let result = snapshot;
      if (snapshot.phase !== 'running' && req.ump.mode === 'task' && snapshot.customerGuid) {
        // A task only names the customer; site ids and the server's errorDetails live on the customer.
        result = await ump.getCustomerProgress(snapshot.customerGuid).then(
          (c) => ({
            ...snapshot,
            siteLocationIds: snapshot.siteLocationIds?.length ? snapshot.siteLocationIds : c.siteLocationIds,
            customerId: c.customerId ?? snapshot.customerId,
            errorDetails: c.errorDetails ?? snapshot.errorDetails,
          }),
          () => snapshot,
        );
      }
      attempt.transient = 0;
      return applySnapshot(req, result);
    } catch (err) {
      if (isTransient(err)) return noteUnreachable(req, err, ++attempt.transient);
      logger.warn({ requestId: req.id, err: errSummary(err) }, 'progress check failed for good');
      const e = err as UmpError;
      return fail(req, {
        step: req.steps[req.steps.length - 1]?.message,
        message: e.userMessage ?? 'The bot could not read the deployment progress.',
        traceId: e.traceId,
        errorTicket: e.errorTicket,
        hint: 'Check the customer in the Live Platform portal; the deployment may have finished there.',
      });
    }
  }

  async function loop(id: string) {
    let req = await store.get(id);
    const attempt = { transient: 0 };
    while (req && STATES[req.state].runnerWorks && !stopController.signal.aborted) {
      const next = await step(req, attempt);
      // undefined: another writer won the race; re-read and decide again.
      req = next ?? (await store.get(id));
    }
    if (!req || !STATES[req.state].runnerWorks) deps.onSettled?.(id);
  }

  return {
    start(id) {
      if (loops.has(id) || stopController.signal.aborted) return;
      const p = loop(id)
        .catch((err) => logger.error({ requestId: id, err }, 'deployment loop crashed; the request stays stored and resumes at next start'))
        .finally(() => loops.delete(id));
      loops.set(id, p);
    },
    async stop(graceMs = 5_000) {
      stopController.abort();
      // A create call can take minutes; do not hold shutdown for it; a restart reconciles by name.
      await withDeadline(Promise.all(loops.values()), graceMs, () => undefined);
    },
  };
}

function errSummary(err: unknown) {
  if (err instanceof UmpError) return { name: err.name, code: err.code, message: err.message, traceId: err.traceId };
  return { message: (err as Error)?.message };
}

/** "1 minute", "60 minutes", "90 seconds": how long the deploy timeout is, in words. */
function formatMinutes(ms: number): string {
  const minutes = ms / 60_000;
  if (!Number.isInteger(minutes)) return `${Math.round(ms / 1000)} seconds`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
