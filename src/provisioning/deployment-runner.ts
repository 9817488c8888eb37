import { setMaxListeners } from 'node:events';
import { withDeadline } from '../deadline';
import type { Logger } from '../logger';
import { isTransient } from '../outbound/resilience';
import { UmpError, UmpHttpError } from '../ump/errors';
import { scrubSecrets } from '../secrets';
import type { ProgressSnapshot } from '../ump/types';
import { failureFromError, failureFromSnapshot } from './failures';
import type { Clock } from '../clock';
import { LivePlatformPort, RequestListener } from './ports';
import { deployDeadline, Failure, ObservedStep, ProvisioningRequest, STATES } from './request';
import { createRequestWriter } from './request-writer';
import { toApiRequest } from './request-spec';
import { LeaseLostError, RequestStore, StoreUnavailableError } from './store';

export interface RunnerOptions {
  pollIntervalMs: number;
  /** A deployment not finished this long after its create was sent is reported as failed. */
  deployTimeoutMs: number;
}

export interface DeploymentRunner {
  /** Drives the request to a final state in the background; a second call for a running id is a no-op. */
  start(id: string): void;
  /** Stops every loop at its next wait (bounded by graceMs). State stays in the store. Resolves with the ids still busy (a create in flight). */
  stop(graceMs?: number): Promise<string[]>;
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
  /** This instance's lease id: every write needs its lease on the request (several instances, one database). */
  leaseOwner?: string;
  /** Whether this instance still holds `id`'s lease (the lease keeper's view); a loop ends when not. */
  holds?(id: string): boolean;
  /** A loop ended because another instance holds the lease now. */
  onLost?(id: string): void;
}

/** What one loop knows while it follows a request. */
interface LoopContext {
  /** Live Platform did not answer in a row this often (backoff). */
  transient: number;
  /** The request's secret values: scrubbed from every text Live Platform sends before it is stored or logged. */
  secrets: readonly string[];
  secretsRead: boolean;
}

/** A snapshot with every known secret value scrubbed from the server's texts (Live Platform echoes script variables). */
function scrubSnapshot(s: ProgressSnapshot, secrets: readonly string[]): ProgressSnapshot {
  if (!secrets.length) return s;
  const clean = (t: string | undefined) => (t === undefined ? t : scrubSecrets(t, secrets));
  return { ...s, steps: s.steps.map((st) => ({ ...st, message: clean(st.message)! })), errorDetails: clean(s.errorDetails), rawState: clean(s.rawState) };
}

/** A failure with every known secret value scrubbed (server messages, field errors). */
export function scrubFailure(f: Failure, secrets: readonly string[]): Failure {
  if (!secrets.length) return f;
  const clean = (t: string) => scrubSecrets(t, secrets);
  return {
    ...f,
    message: clean(f.message),
    hint: clean(f.hint),
    ...(f.step !== undefined ? { step: clean(f.step) } : {}),
    ...(f.errorDetails !== undefined ? { errorDetails: clean(f.errorDetails) } : {}),
    ...(f.fieldErrors ? { fieldErrors: Object.fromEntries(Object.entries(f.fieldErrors).map(([k, v]) => [k, v.map(clean)])) } : {}),
  };
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
  const writer = createRequestWriter({ store, clock, listener: deps.listener, leaseOwner: deps.leaseOwner });
  const loops = new Map<string, Promise<void>>();
  const stopController = new AbortController();
  // Every running deployment waits on this one signal; hundreds of listeners are expected.
  setMaxListeners(0, stopController.signal);
  const sleep = (ms: number) => clock.sleep(ms, stopController.signal);

  const commit = (prev: ProvisioningRequest, patch: Partial<ProvisioningRequest>, action?: string, detail?: Record<string, unknown>) =>
    writer.commit(prev, patch, action ? { action, detail } : undefined);

  async function fail(req: ProvisioningRequest, failure: Failure, ctx: LoopContext) {
    const f = scrubFailure(failure, ctx.secrets);
    return commit(req, { state: 'failed', failure: f }, 'failed', { step: f.step, message: f.message, traceId: f.traceId });
  }

  async function applySnapshot(req: ProvisioningRequest, raw: ProgressSnapshot, ctx: LoopContext, ump?: Partial<ProvisioningRequest['ump']>) {
    const s = scrubSnapshot(raw, ctx.secrets);
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
  async function noteUnreachable(req: ProvisioningRequest, err: unknown, ctx: LoopContext) {
    const attempt = ++ctx.transient;
    const message = scrubSecrets((err as UmpError).userMessage ?? (err as Error)?.message ?? 'no answer', ctx.secrets);
    logger.warn({ requestId: req.id, attempt, err: errSummary(err, ctx.secrets) }, 'Live Platform did not answer; will try again');
    const noted = req.ump.lastError === message ? req : await commit(req, { ump: { ...req.ump, lastError: message } });
    await sleep(Math.min(60_000, options.pollIntervalMs * 2 ** Math.min(attempt, 10)));
    return noted;
  }

  async function step(req: ProvisioningRequest, ctx: LoopContext): Promise<ProvisioningRequest | undefined> {
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
        ctx,
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
        ctx.transient = 0;
        if (outcome.mode === 'task') {
          return commit(current, { state: 'deploying', ump: { ...current.ump, mode: 'task', jobId: outcome.jobId, lastError: undefined } }, 'deploying', {
            mode: 'task',
            jobId: outcome.jobId,
          });
        }
        return applySnapshot(current, outcome.snapshot, ctx, { mode: outcome.mode, customerGuid: outcome.customerGuid, adopted: outcome.adopted });
      } catch (err) {
        // The client already reconciled by name where it could; what is still uncertain is retried
        // (with reconcile-first, since createAttemptedAt is set), never failed on a guess.
        if (isTransient(err)) return noteUnreachable(current, err, ctx);
        logger.warn({ requestId: req.id, err: errSummary(err, ctx.secrets) }, 'create failed');
        // An earlier attempt may have reached Live Platform (a restart, no answer): never say nothing was created.
        return fail(current, failureFromError(err, { earlierAttempt: reconcile, shortName: req.customer.shortName }), ctx);
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
      ctx.transient = 0;
      return applySnapshot(req, result, ctx);
    } catch (err) {
      // Only Live Platform's answer about the deployment, or the deploy timeout, fails a deployment.
      // Our credentials, a body the bot cannot read, a network fault: noted on the card, tried again.
      const gone = err instanceof UmpHttpError && err.status === 404;
      if (!gone) return noteUnreachable(req, err, ctx);
      logger.warn({ requestId: req.id, err: errSummary(err, ctx.secrets) }, 'Live Platform no longer knows the deployment');
      const e = err as UmpError;
      return fail(
        req,
        {
          step: req.steps[req.steps.length - 1]?.message,
          message: `Live Platform no longer knows this deployment (${e.userMessage ?? 'not found'}).`,
          traceId: e.traceId,
          errorTicket: e.errorTicket,
          hint: 'It may have been deleted in the Live Platform portal. Check there before trying again.',
        },
        ctx,
      );
    }
  }

  /**
   * Follows one request until it leaves the runner's states. Nothing that throws ends it: a busy or
   * full database, an illegal transition, a bug: the error is logged, shown on the card when the
   * store can write, and the step is tried again after a backoff, so no card freezes and no short
   * name stays blocked until a restart.
   */
  async function loop(id: string) {
    const ctx: LoopContext = { transient: 0, secrets: [], secretsRead: false };
    let crashes = 0;
    let req: ProvisioningRequest | undefined;
    let lost = false;
    /** The request as last read: shown with the trouble when the database cannot even be written. */
    let known: ProvisioningRequest | undefined;
    let downShown = false;
    for (;;) {
      if (deps.holds && !deps.holds(id)) {
        lost = true;
        break;
      }
      try {
        req ??= await store.get(id);
        if (!req || !STATES[req.state].runnerWorks || stopController.signal.aborted) break;
        if (!ctx.secretsRead) {
          ctx.secrets = Object.values(await store.secrets(id));
          ctx.secretsRead = true;
        }
        known = req;
        const next = await step(req, ctx);
        crashes = 0;
        downShown = false;
        // undefined: another writer won the race; re-read and decide again.
        req = next ?? (await store.get(id));
      } catch (err) {
        if (err instanceof LeaseLostError) {
          logger.warn({ requestId: id }, 'another instance follows this request now; this one stops');
          lost = true;
          break;
        }
        crashes++;
        logger.error({ requestId: id, attempt: crashes, err: errSummary(err, ctx.secrets) }, 'deployment step failed; trying again');
        await noteInternalError(id, err, ctx).catch(() => {
          // The database is down: the card still says so (from the last read), once; nothing is stored until it is back.
          if (known && err instanceof StoreUnavailableError && !downShown) {
            downShown = true;
            deps.listener({ ...known, ump: { ...known.ump, lastError: `The bot hit an internal problem (${internalReason(err)}).` } });
          }
        });
        // A database outage is retried often enough that cards resume soon after it ends.
        const cap = err instanceof StoreUnavailableError ? 10_000 : 60_000;
        await sleep(Math.min(cap, options.pollIntervalMs * 2 ** Math.min(crashes, 10)));
        req = undefined;
      }
    }
    if (lost) deps.onLost?.(id);
    else if (!stopController.signal.aborted && (!req || !STATES[req.state].runnerWorks)) deps.onSettled?.(id);
  }

  /** Shows on the card that the bot itself is in trouble with this request (it keeps trying). */
  async function noteInternalError(id: string, err: unknown, ctx: LoopContext) {
    const current = await store.get(id);
    if (!current || !STATES[current.state].runnerWorks) return;
    const message = `The bot hit an internal problem (${internalReason(err)}).`;
    if (current.ump.lastError !== message) await commit(current, { ump: { ...current.ump, lastError: scrubSecrets(message, ctx.secrets) } });
  }

  return {
    start(id) {
      if (loops.has(id) || stopController.signal.aborted) return;
      const p = loop(id)
        .catch((err) =>
          logger.error({ requestId: id, err: errSummary(err) }, 'deployment loop ended unexpectedly; the request stays stored and resumes at next start'),
        )
        .finally(() => loops.delete(id));
      loops.set(id, p);
    },
    async stop(graceMs = 5_000) {
      stopController.abort();
      // A create call can take minutes; do not hold shutdown for it; a restart reconciles by name.
      await withDeadline(Promise.all(loops.values()), graceMs, () => undefined);
      return [...loops.keys()];
    },
  };
}

function errSummary(err: unknown, secrets: readonly string[] = []) {
  if (err instanceof UmpError) return { name: err.name, code: err.code, message: scrubSecrets(err.message, secrets), traceId: err.traceId };
  return { name: (err as Error)?.name, message: scrubSecrets(String((err as Error)?.message ?? err), secrets) };
}

/** What the card may say about an internal error: a kind, never internal text. */
function internalReason(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) return 'the database is busy';
  if (typeof code === 'string' && /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/.test(code)) return 'the database cannot be written';
  if ((err as Error)?.name === 'IllegalTransitionError') return 'an unexpected state change';
  if (err instanceof StoreUnavailableError) return 'its database cannot be reached; it keeps trying and loses nothing';
  return 'an unexpected error';
}

/** "1 minute", "60 minutes", "90 seconds": how long the deploy timeout is, in words. */
function formatMinutes(ms: number): string {
  const minutes = ms / 60_000;
  if (!Number.isInteger(minutes)) return `${Math.round(ms / 1000)} seconds`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
