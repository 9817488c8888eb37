import { randomBytes } from 'node:crypto';
import { type ApprovalSettings, UMP_KEYS_TEXT } from '../config';
import { createApprovals, type Decided } from './approvals';
import type { Logger } from '../logger';
import type { CustomerDetails, CustomerList, OnboardingScript } from '../ump/types';
import { userMessageOf } from '../errors';
import { endedWithNothingCreated, retryRefusal } from './retry';
import type { FieldErrors } from './customer-input';
import { toSpec } from './request-spec';
import type { ConversationAddress } from './conversation-address';
import { validateSubmission } from './validate-submission';
import { createDeploymentRunner, DeploymentRunner, RunnerOptions } from './deployment-runner';
import { Clock, systemClock } from '../clock';
import { LivePlatformPort, RequestListener, TenantPort } from './ports';
import { createRequestWriter } from './request-writer';
import { Actor, AuditEntry, ProvisioningRequest, STATES } from './request';
import type { AccessPolicy } from './access';
import { createDeploymentQueue } from './deployment-queue';
import { formatWait, retryAfterOf } from './rate-limit';
import { ActiveShortNameConflict, Lease, RequestQuery, RequestStore } from './store';
import { createLeaseKeeper } from './lease-keeper';
import { createTtlCache } from './ttl-cache';
import { withDeadline } from '../deadline';

export type SubmitResult =
  /** `scripts`: the script list the checks had, so the form is rebuilt without waiting for it again. */
  | { kind: 'invalid'; fieldErrors: FieldErrors; formError?: string; scripts?: OnboardingScript[] }
  /** Not allowed, or over a limit: nothing was stored. */
  | { kind: 'refused'; message: string }
  | { kind: 'accepted'; request: ProvisioningRequest; created: boolean };

export type CancelResult =
  | { kind: 'cancelled'; request: ProvisioningRequest }
  /** Already with Live Platform, or finished: it goes on (or stays) as it is. */
  | { kind: 'too-late'; request: ProvisioningRequest; message: string }
  | { kind: 'not-found' };

/** What Live Platform reports about a customer the bot did not create (`status <shortName>`). */
export type CustomerLookup =
  { kind: 'found'; customer: CustomerDetails; deploymentState?: string } | { kind: 'not-found' } | { kind: 'unavailable'; message: string };

export interface SubmitInput {
  /** Idempotency key: the same form submitted twice yields one request. */
  formKey: string;
  /** The card's data, untrusted. */
  raw: Record<string, unknown>;
  actor: Actor;
  conversation: ConversationAddress;
  cardActivityId?: string;
}

export interface ProvisioningService {
  /** False when Live Platform is not configured: the form can still be shown, submits are refused. */
  readonly configured: boolean;
  submit(input: SubmitInput): Promise<SubmitResult>;
  /** Onboarding scripts for the form (cached briefly); throws when Live Platform cannot list them. */
  onboardingScripts(): Promise<OnboardingScript[]>;
  /** Warms the customer list used for the duplicate check, so a submit does not wait for it. */
  prefetch(): void;
  /** The card for a request moved (the old message could not be edited any more). */
  recordCardMoved(id: string, activityId: string): Promise<void>;
  /** A linked card (e.g. the approval card) was posted, or re-posted, as this message. */
  recordLinkedCard(id: string, index: number, activityId: string): Promise<void>;
  /** The requester was told of `event` (approved, deployed, …): not again after a restart. */
  markNotified(id: string, event: string): Promise<void>;
  /** A stored request, or undefined. */
  get(id: string): Promise<ProvisioningRequest | undefined>;
  /** One conversation's requests, newest first (`list`). */
  list(query: RequestQuery): Promise<ProvisioningRequest[]>;
  /** The bot's requests for a short name, newest first. */
  findByShortName(shortName: string, limit: number): Promise<ProvisioningRequest[]>;
  /** A request's trail, oldest first. */
  audit(id: string): Promise<AuditEntry[]>;
  /** What Live Platform says about the customer with this short name (its state and sites). */
  lookupCustomer(shortName: string): Promise<CustomerLookup>;
  /** An approver's yes: the request joins the deployment queue. First decision wins. */
  approve(id: string, by: Actor): Promise<Decided>;
  /** An approver's no, with the reason the requester is told. */
  reject(id: string, by: Actor, reason: unknown): Promise<Decided>;
  /** Why a request made here cannot be accepted at all (approval needed, no approver), or undefined. */
  approvalBlocked(where: ConversationAddress): string | undefined;
  /** Whether requests made here wait for an approver. */
  needsApproval(where: ConversationAddress): boolean;
  readonly allowSelfApproval: boolean;
  /** Stops a request that has not reached Live Platform yet (queued). Who may is the access policy's call, made before. */
  cancel(id: string, by: Actor, reason?: string): Promise<CancelResult>;
  /** Why `actor` cannot submit another request right now (the per-user create limit), or undefined. */
  createLimitReached(actor: Actor): Promise<string | undefined>;
  /** The place of a queued request in the deployment queue (1 = next), or undefined. */
  queuePosition(id: string): number | undefined;
  /** How many requests may talk to Live Platform at once. */
  readonly maxConcurrentDeployments: number;
  /** Follows every unfinished request again (after a restart). Returns how many. */
  resumeUnfinished(): Promise<number>;
  stop(): Promise<void>;
}

export interface ServiceDeps {
  store: RequestStore;
  /** Undefined when Live Platform is not configured. */
  ump?: LivePlatformPort;
  tenants: TenantPort;
  listener: RequestListener;
  logger: Logger;
  clock?: Clock;
  runner: RunnerOptions;
  unverifiedTenantPolicy: 'block' | 'warn';
  access: AccessPolicy;
  limits: { createsPerHour: number; maxConcurrentDeployments: number };
  approval: ApprovalSettings;
  /** Queued requests whose place changed (their cards show it). */
  onQueueMoved?(ids: readonly string[]): void;
  /** This instance on the database: its lease id and lease time (several instances: docs/operations.md). */
  instance?: { id: string; leaseMs: number };
  /**
   * How long a submit's look-ups (scripts, customers, tenant; all at once) may take in all before it
   * relies on Live Platform's own checks: the invoke answer must come within Teams' 5 s.
   */
  submitBudgetMs?: number;
}

const ID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Short, unambiguous, speakable ids (support reads them over the phone): REQ-7K3F9Q. */
export function newRequestId(): string {
  const bytes = randomBytes(6);
  return `REQ-${[...bytes].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')}`;
}

/** The submit's look-ups in all: Teams shows an error after 5 s, and the turn needs time around them. */
export const SUBMIT_BUDGET_MS = 3_000;

/** How long an instance's claim on a request lasts without a renewal (LEASE_MS). */
export const DEFAULT_LEASE_MS = 30_000;

export const NOT_CONFIGURED_MESSAGE = `Live Platform is not configured for this bot, so customers cannot be created yet. Ask the bot administrator to set ${UMP_KEYS_TEXT}.`;

export function createProvisioningService(deps: ServiceDeps): ProvisioningService {
  const clock = deps.clock ?? systemClock;
  const { store, logger } = deps;
  /**
   * Every change goes to the card updater; one that ends a request with nothing created frees its
   * name in the cached list. A request in a runner state is shown only by the instance that follows
   * it (its lease), so each card has one writer and the per-conversation pacing holds.
   */
  const listener: RequestListener = (r) => {
    if (STATES[r.state].runnerWorks && !keeper.holds(r.id)) return;
    if (endedWithNothingCreated(r)) {
      const pending = `pending:${r.id}`;
      customers.amend((l) => (l.customers.some((c) => c.guid === pending) ? { ...l, customers: l.customers.filter((c) => c.guid !== pending) } : l));
    }
    deps.listener(r);
  };
  // The writer does not tell the listener about card moves: the card updater made the move itself.
  const writer = createRequestWriter({ store, clock, listener: () => undefined });
  const submitBudget = deps.submitBudgetMs ?? SUBMIT_BUDGET_MS;
  const HOUR = 3_600_000;
  // The service's own writes (queue moves, cancels) tell the card updater like the runner's do.
  const notifyingWriter = createRequestWriter({ store, clock, listener });
  const lease: Lease = { owner: deps.instance?.id ?? 'local', ms: deps.instance?.leaseMs ?? DEFAULT_LEASE_MS };
  /** Follows a request this instance holds the lease of (claimed, or admitted here). */
  const follow = (r: ProvisioningRequest) => {
    keeper.hold(r.id);
    runner?.start(r.id);
  };
  const queue = createDeploymentQueue({
    maxConcurrent: deps.limits.maxConcurrentDeployments,
    store,
    writer: notifyingWriter,
    lease,
    start: follow,
    onMoved: (ids) => deps.onQueueMoved?.(ids),
    logger,
    now: () => clock.now().getTime(),
  });
  const runner: DeploymentRunner | undefined = deps.ump
    ? createDeploymentRunner({
        store,
        ump: deps.ump,
        listener,
        logger,
        clock,
        options: deps.runner,
        leaseOwner: lease.owner,
        holds: (id) => keeper.holds(id),
        onSettled: (id) => {
          keeper.forget(id);
          queue.release(id);
        },
        onLost: (id) => keeper.forget(id),
      })
    : undefined;
  const keeper = createLeaseKeeper({
    store,
    lease,
    logger,
    follow: (r) => {
      // Taken over (or found at start): the card shows where it stands now, from this instance.
      listener(r);
      follow(r);
    },
    async onBeat(reason) {
      // Another instance may have freed a place or moved the queue; approvals made there are watched here too.
      if (!runner) return;
      // On a notice a start is only possible when requests are waiting (the line is every
      // instance's): with none, the look costs no admission under the queue's lock.
      if (reason === 'notice') await queue.refresh();
      if (reason === 'beat' || queue.stats().waiting > 0) await queue.pump();
      for (const r of await store.listByState(['awaiting_approval'])) approvals.watch(r);
    },
  });
  let lastQueuedAt = 0;
  /** Queue order is the order of these stamps: strictly increasing, even within one millisecond. */
  const queueStamp = () => {
    lastQueuedAt = Math.max(clock.now().getTime(), lastQueuedAt + 1);
    return new Date(lastQueuedAt).toISOString();
  };

  const approvals = createApprovals({ settings: deps.approval, writer: notifyingWriter, queue, clock, logger, queueStamp });
  const noApprover = () => deps.access.rules.approvers.length === 0;
  if (deps.approval.policy !== 'none' && noApprover()) {
    logger.warn(
      { policy: deps.approval.policy },
      'APPROVAL_POLICY needs approvers but APPROVERS is empty: requests that need an approval are refused until approvers are configured',
    );
  }
  const approvalBlocked = (where: ConversationAddress) =>
    approvals.needsApproval(where.kind) && noApprover()
      ? `Requests made here need an approver's yes, and no approver is configured for this bot, so none can be accepted. Ask ${deps.access.rules.contact} to set APPROVERS.`
      : undefined;

  async function createLimitReached(actor: Actor): Promise<string | undefined> {
    const limit = deps.limits.createsPerHour;
    if (limit <= 0) return undefined;
    const now = clock.now().getTime();
    const times = await store.requestTimesBy(actor.id, new Date(now - HOUR).toISOString());
    const wait = retryAfterOf(times, limit, HOUR, now);
    if (wait === undefined) return undefined;
    return `You have submitted ${limit} request${limit === 1 ? '' : 's'} in the last hour, the most this bot takes from one person. Try again in ${formatWait(wait)}.`;
  }
  const scripts = createTtlCache<OnboardingScript[]>(5 * 60_000, () => deps.ump!.listOnboardingScripts());
  const customers = createTtlCache<CustomerList>(60_000, () => deps.ump!.customerList());

  /** Live Platform's customers for the duplicate checks, or undefined when they cannot be had. */
  async function customerList(): Promise<CustomerList | undefined> {
    try {
      return await customers.get();
    } catch (err) {
      logger.warn({ err: { message: (err as Error).message } }, 'duplicate check: customer list unavailable');
      return undefined;
    }
  }

  /**
   * The request a resubmit form names (card data, untrusted): undefined when it names none, a
   * refusal when the actor may not resubmit it or it cannot be (it reached Live Platform, it was
   * resubmitted by another form).
   */
  async function retryTarget(input: SubmitInput): Promise<ProvisioningRequest | string | undefined> {
    const named = typeof input.raw.retryOf === 'string' ? input.raw.retryOf.trim().toUpperCase() : '';
    if (!named) return undefined;
    const old = await store.get(named);
    if (!old) return `The request this form resubmits (${named.slice(0, 20)}) does not exist. Type new to start a fresh request.`;
    const may = deps.access.decide(input.actor, 'retry', { request: old, where: input.conversation });
    if (!may.allowed) return may.message;
    if (old.retriedAs?.formKey === input.formKey) return old;
    return retryRefusal(old) ?? old;
  }

  /** Marks `oldId` as resubmitted by `next` (first form wins; the same form again is fine). */
  async function claimRetry(oldId: string, next: ProvisioningRequest, by: Actor): Promise<boolean> {
    let ok = false;
    await notifyingWriter.update(oldId, (old) => {
      if (old.retriedAs) {
        ok = old.retriedAs.formKey === next.formKey;
        return undefined;
      }
      ok = true;
      return {
        patch: { retriedAs: { id: next.id, formKey: next.formKey, at: next.createdAt, by } },
        audit: { action: 'resubmitted', actor: by.id, detail: { as: next.id, by: by.name } },
      };
    });
    return ok;
  }

  /** The resubmit did not happen after all (the new request could not be stored): `oldId` may be resubmitted again. */
  async function releaseRetry(oldId: string, formKey: string): Promise<void> {
    await notifyingWriter.update(oldId, (old) =>
      old.retriedAs?.formKey === formKey
        ? { patch: { retriedAs: undefined }, audit: { action: 'resubmit.undone', detail: { as: old.retriedAs.id } } }
        : undefined,
    );
  }

  return {
    configured: !!deps.ump,

    list: (q) => store.list(q),
    findByShortName: (name, limit) => store.findByShortName(name, limit),
    audit: (id) => store.audit(id),

    async lookupCustomer(shortName) {
      if (!deps.ump) return { kind: 'unavailable', message: NOT_CONFIGURED_MESSAGE };
      try {
        const summary = await deps.ump.findCustomerByShortName(shortName);
        if (!summary) return { kind: 'not-found' };
        const [details, progress] = await Promise.all([deps.ump.getCustomer(summary.guid), deps.ump.getCustomerProgress(summary.guid).catch(() => undefined)]);
        return { kind: 'found', customer: details ?? { ...summary, siteLocations: [] }, deploymentState: progress?.rawState };
      } catch (err) {
        logger.warn({ err: { message: (err as Error).message } }, 'customer lookup failed');
        return { kind: 'unavailable', message: userMessageOf(err) ?? 'Live Platform could not be asked right now. Try again in a minute.' };
      }
    },

    async submit(input): Promise<SubmitResult> {
      const startedAt = Date.now();
      const existing = await store.getByFormKey(input.formKey);
      if (existing) return { kind: 'accepted', request: existing, created: false };
      const allowed = deps.access.decide(input.actor, 'request', { where: input.conversation });
      if (!allowed.allowed) return { kind: 'refused', message: allowed.message };
      const retryOf = await retryTarget(input);
      if (typeof retryOf === 'string') return { kind: 'refused', message: retryOf };
      if (!deps.ump) return { kind: 'invalid', fieldErrors: {}, formError: NOT_CONFIGURED_MESSAGE };
      const blocked = approvalBlocked(input.conversation);
      if (blocked) return { kind: 'refused', message: blocked };
      const limited = await createLimitReached(input.actor);
      if (limited) return { kind: 'refused', message: limited };

      const checked = await validateSubmission(input.raw, {
        // Other customers and other people's requests are named only to those who may see them.
        mayNameOwners: deps.access.decide(input.actor, 'seeOtherCustomers').allowed,
        mayView: (r) => deps.access.decide(input.actor, 'view', { request: r, where: input.conversation }).allowed,
        tenants: deps.tenants,
        unverifiedTenantPolicy: deps.unverifiedTenantPolicy,
        scripts: () => scripts.get().catch(() => undefined),
        // One deadline for the whole submit, counted from its start (Teams' 5 s include the rest of the turn).
        within: (p) => withDeadline(p, Math.max(0, startedAt + submitBudget - Date.now()), () => undefined),
        customers: customerList,
        activeRequest: (name) => store.findShortNameHolder(name),
      });
      if (!checked.ok) return { kind: 'invalid', fieldErrors: checked.fieldErrors, scripts: checked.scripts };
      const { value: v, tenantId, warnings } = checked;

      const { spec, secrets } = toSpec(
        v,
        tenantId,
        checked.scripts?.find((s) => s.id === v.sbcOnboardingScript),
      );
      const at = clock.now();
      const now = at.toISOString();
      const approval = approvals.needsApproval(input.conversation.kind) ? approvals.open(at) : undefined;
      const approvalCard = approval && approvals.approvalCardAddress(input.conversation);
      const request: ProvisioningRequest = {
        id: newRequestId(),
        formKey: input.formKey,
        ...(retryOf ? { retryOf: retryOf.id } : {}),
        ...(approval ? { state: 'awaiting_approval', approval } : { state: 'queued', queuedAt: queueStamp() }),
        version: 1,
        requestedBy: input.actor,
        customer: spec,
        conversation: input.conversation,
        cardActivityId: input.cardActivityId,
        linkedCards: approvalCard ? [{ conversation: approvalCard, purpose: 'approval' }] : [],
        notified: [],
        ump: {},
        steps: [],
        warnings,
        createdAt: now,
        updatedAt: now,
      };
      // A resubmit claims the request it replaces first, so two forms cannot both resubmit it.
      if (retryOf && !(await claimRetry(retryOf.id, request, input.actor))) {
        const now2 = await store.get(retryOf.id);
        return { kind: 'refused', message: (now2 && retryRefusal(now2)) ?? `${retryOf.id} can no longer be resubmitted.` };
      }
      let res;
      try {
        res = await store.insert(request, secrets, {
          at: now,
          actor: input.actor.id,
          action: 'submitted',
          detail: {
            shortName: spec.shortName,
            by: input.actor.name,
            ...(retryOf ? { retryOf: retryOf.id } : {}),
            ...(approval ? { approval: 'required', expiresAt: approval.expiresAt } : {}),
          },
        });
      } catch (err) {
        if (retryOf) await releaseRetry(retryOf.id, request.formKey);
        if (err instanceof ActiveShortNameConflict) {
          return { kind: 'invalid', fieldErrors: { shortName: [`A request for '${spec.shortName}' was submitted a moment ago and is in progress.`] } };
        }
        throw err;
      }
      if (!res.created) return { kind: 'accepted', request: res.request, created: false };
      // Live Platform will have this customer before the cached list does: add it, rather than fetch
      // the whole list again on the next submit (with thousands of customers, that was most of a click).
      // Appended in place: the duplicate check's index of the list extends itself (validate-submission.ts).
      customers.amend((l) => (l.customers.push({ guid: `pending:${res.request.id}`, shortName: spec.shortName, msTenantId: tenantId }), l));
      if (res.request.state === 'awaiting_approval') {
        approvals.watch(res.request);
        listener(res.request);
        return { kind: 'accepted', request: res.request, created: true };
      }
      await queue.add(res.request);
      // Started at once, or waiting: the answer shows which.
      const current = (await store.get(res.request.id)) ?? res.request;
      // A start was told by its write; a request left waiting is told here, so its card shows the queue.
      if (current.state === 'queued') listener(current);
      return { kind: 'accepted', request: current, created: true };
    },

    get: (id) => store.get(id),
    approve: (id, by) => approvals.approve(id, by),
    reject: (id, by, reason) => approvals.reject(id, by, reason),
    approvalBlocked,
    needsApproval: (where) => approvals.needsApproval(where.kind),
    allowSelfApproval: deps.approval.allowSelfApproval,

    async cancel(id, by, reason) {
      let tooLate: ProvisioningRequest | undefined;
      const done = await notifyingWriter.update(id, (r) => {
        if (!STATES[r.state].next.includes('cancelled')) {
          tooLate = r;
          return undefined;
        }
        tooLate = undefined;
        const at = clock.now().toISOString();
        return {
          patch: { state: 'cancelled', cancelled: { by, at, ...(reason ? { reason } : {}) } },
          audit: { action: 'cancelled', actor: by.id, detail: { by: by.name, ...(reason ? { reason } : {}) } },
        };
      });
      if (done) {
        await queue.remove(id);
        logger.info({ requestId: id, by: by.id }, 'request cancelled');
        return { kind: 'cancelled', request: done };
      }
      if (tooLate) {
        const message = STATES[tooLate.state].terminal
          ? `${tooLate.id} has already ended (${tooLate.state}); there is nothing to cancel.`
          : `${tooLate.id} has already been sent to Live Platform and can no longer be cancelled. If the customer must not exist, delete it in the Live Platform portal once the deployment ends.`;
        return { kind: 'too-late', request: tooLate, message };
      }
      return { kind: 'not-found' };
    },

    createLimitReached,
    queuePosition: (id) => queue.position(id),
    maxConcurrentDeployments: deps.limits.maxConcurrentDeployments,

    async onboardingScripts() {
      if (!deps.ump) throw new Error(NOT_CONFIGURED_MESSAGE);
      return scripts.get();
    },

    prefetch() {
      if (deps.ump) customers.get().catch(() => undefined);
    },

    async recordCardMoved(id, activityId) {
      await writer.update(id, (req) =>
        req.cardActivityId === activityId ? undefined : { patch: { cardActivityId: activityId }, audit: { action: 'card.moved', detail: { activityId } } },
      );
    },

    async recordLinkedCard(id, index, activityId) {
      await writer.update(id, (req) => {
        const card = req.linkedCards[index];
        if (!card || card.activityId === activityId) return undefined;
        const linkedCards = req.linkedCards.map((c, i) => (i === index ? { ...c, activityId } : c));
        return { patch: { linkedCards }, audit: { action: 'card.linked', detail: { purpose: card.purpose, activityId } } };
      });
    },

    async markNotified(id, event) {
      await writer.update(id, (req) => (req.notified.includes(event) ? undefined : { patch: { notified: [...req.notified, event] } }));
    },

    async resumeUnfinished() {
      if (!runner) return 0;
      // Those with Live Platform first: every one nobody follows (this instance's own from before a
      // restart, a stopped instance's) is claimed and followed here; the rest stay with their instance.
      await keeper.start();
      const unfinished = await store.listByState(['awaiting_approval', 'queued']);
      for (const r of unfinished) {
        if (r.state === 'awaiting_approval') approvals.watch(r);
      }
      await queue.refresh();
      for (const r of unfinished) listener(r);
      await queue.pump();
      const followed = keeper.size();
      const count = unfinished.length + followed;
      if (count) logger.info({ count, followed }, 'resumed unfinished requests');
      return count;
    },

    async stop() {
      approvals.stop();
      const busy = (await runner?.stop()) ?? [];
      // Leases of requests not mid-create are given up: another instance takes them at once.
      await keeper.stop(busy);
    },
  };
}
