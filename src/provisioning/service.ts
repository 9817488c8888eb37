import { randomBytes } from 'node:crypto';
import { UMP_KEYS_TEXT } from '../config';
import type { Logger } from '../logger';
import type { CustomerSummary, OnboardingScript } from '../ump/types';
import type { FieldErrors } from './customer-input';
import { toSpec } from './request-spec';
import type { ConversationAddress } from './conversation-address';
import { validateSubmission } from './validate-submission';
import { createDeploymentRunner, DeploymentRunner, RunnerOptions } from './deployment-runner';
import { Clock, systemClock } from '../clock';
import { LivePlatformPort, RequestListener, TenantPort } from './ports';
import { createRequestWriter } from './request-writer';
import { Actor, ProvisioningRequest, statesWhere, STATES } from './request';
import { ActiveShortNameConflict, RequestStore } from './store';
import { createTtlCache } from './ttl-cache';
import { withDeadline } from '../deadline';

export type SubmitResult =
  { kind: 'invalid'; fieldErrors: FieldErrors; formError?: string } | { kind: 'accepted'; request: ProvisioningRequest; created: boolean };

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
  /** How long a submit may wait for the Live Platform duplicate check before relying on the server's own. */
  duplicateCheckBudgetMs?: number;
}

const ID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Short, unambiguous, speakable ids (support reads them over the phone): REQ-7K3F9Q. */
export function newRequestId(): string {
  const bytes = randomBytes(6);
  return `REQ-${[...bytes].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')}`;
}

export const NOT_CONFIGURED_MESSAGE = `Live Platform is not configured for this bot, so customers cannot be created yet. Ask the bot administrator to set ${UMP_KEYS_TEXT}.`;

export function createProvisioningService(deps: ServiceDeps): ProvisioningService {
  const clock = deps.clock ?? systemClock;
  const { store, logger } = deps;
  // The writer does not tell the listener about card moves: the card updater made the move itself.
  const writer = createRequestWriter({ store, clock, listener: () => undefined });
  const budget = deps.duplicateCheckBudgetMs ?? 2_000;
  const runner: DeploymentRunner | undefined = deps.ump
    ? createDeploymentRunner({ store, ump: deps.ump, listener: deps.listener, logger, clock, options: deps.runner })
    : undefined;
  const scripts = createTtlCache<OnboardingScript[]>(5 * 60_000, () => deps.ump!.listOnboardingScripts());
  const customers = createTtlCache<CustomerSummary[]>(60_000, () => deps.ump!.listCustomers());

  /** A submit answers within Teams' invoke limit: slow look-ups give way to the server's own checks. */
  function withinBudget<T>(p: Promise<T>): Promise<T | undefined> {
    return withDeadline(p, budget, () => undefined);
  }

  /** Live Platform's customers for the duplicate checks, if they can be had within the budget. */
  async function customerList(): Promise<CustomerSummary[] | undefined> {
    try {
      return await withinBudget(customers.get());
    } catch (err) {
      logger.warn({ err: { message: (err as Error).message } }, 'duplicate check: customer list unavailable');
      return undefined;
    }
  }

  return {
    configured: !!deps.ump,

    async submit(input): Promise<SubmitResult> {
      const existing = await store.getByFormKey(input.formKey);
      if (existing) return { kind: 'accepted', request: existing, created: false };
      if (!deps.ump) return { kind: 'invalid', fieldErrors: {}, formError: NOT_CONFIGURED_MESSAGE };

      const checked = await validateSubmission(input.raw, {
        tenants: deps.tenants,
        unverifiedTenantPolicy: deps.unverifiedTenantPolicy,
        scripts: () => withinBudget(scripts.get()).catch(() => undefined),
        customers: customerList,
        activeRequest: (name) => store.findShortNameHolder(name),
      });
      if (!checked.ok) return { kind: 'invalid', fieldErrors: checked.fieldErrors };
      const { value: v, tenantId, warnings } = checked;

      const { spec, secrets } = toSpec(v, tenantId);
      const now = clock.now().toISOString();
      const request: ProvisioningRequest = {
        id: newRequestId(),
        formKey: input.formKey,
        state: 'submitted',
        version: 1,
        requestedBy: input.actor,
        customer: spec,
        conversation: input.conversation,
        cardActivityId: input.cardActivityId,
        ump: {},
        steps: [],
        warnings,
        createdAt: now,
        updatedAt: now,
      };
      let res;
      try {
        res = await store.insert(request, secrets, {
          at: now,
          actor: input.actor.id,
          action: 'submitted',
          detail: { shortName: spec.shortName, by: input.actor.name },
        });
      } catch (err) {
        if (err instanceof ActiveShortNameConflict) {
          return { kind: 'invalid', fieldErrors: { shortName: [`A request for '${spec.shortName}' was submitted a moment ago and is in progress.`] } };
        }
        throw err;
      }
      if (res.created) {
        customers.invalidate();
        deps.listener(res.request);
        runner!.start(res.request.id);
      }
      return { kind: 'accepted', request: res.request, created: res.created };
    },

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

    async resumeUnfinished() {
      if (!runner) return 0;
      const unfinished = await store.listByState(statesWhere((s) => !s.terminal));
      for (const r of unfinished) {
        deps.listener(r);
        if (STATES[r.state].runnerWorks) runner.start(r.id);
      }
      if (unfinished.length) logger.info({ count: unfinished.length }, 'resumed unfinished requests');
      return unfinished.length;
    },

    async stop() {
      await runner?.stop();
    },
  };
}
