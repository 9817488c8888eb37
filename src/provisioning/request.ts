import { z } from 'zod/v4';
import { ConversationAddressSchema, upgradeAddress } from './conversation-address';

/**
 * A provisioning request's life. This table is the one place that knows what each state means;
 * the runner, resume after a restart, the store's one-request-per-short-name index, the card
 * updater and the cards ask it. Adding a state (awaiting approval, queued, cancelled) is one entry
 * here plus how the progress card renders it (a Record over RequestState, so the compiler asks).
 *
 *   awaiting_approval ──approved──▶ queued ──a place frees up──▶ submitted ──create sent──▶ deploying ──▶ deployed
 *     │   │   └──▶ rejected / expired   │                              │                          │
 *     └───┴──────────▶ cancelled ◀──────┘                              └──────────────▶ failed ◀──┘
 *
 * `awaiting_approval` waits for an approver (nothing is sent to Live Platform); `queued` waits for
 * one of MAX_CONCURRENT_DEPLOYMENTS places (deployment-queue.ts); the runner works on `submitted`
 * and `deploying` only, so those are what talks to Live Platform.
 */
export const REQUEST_STATES = ['awaiting_approval', 'queued', 'submitted', 'deploying', 'deployed', 'failed', 'cancelled', 'rejected', 'expired'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export interface StateBehaviour {
  /** Nothing happens to the request any more; its secrets are deleted in the same write. */
  terminal: boolean;
  /** The deployment runner works on it: the state waits on Live Platform (create or progress). */
  runnerWorks: boolean;
  /** It holds its short name: no second request holding the same one may exist (a store index). */
  holdsShortName: boolean;
  /**
   * The deploy timeout runs in this state. The clock starts when the create is sent
   * (`ump.createAttemptedAt`), never when the request was made: a wait before it does not count.
   */
  deployClockRuns: boolean;
  /** The states a write may move it to. */
  next: readonly RequestState[];
}

export const STATES: Readonly<Record<RequestState, StateBehaviour>> = {
  awaiting_approval: {
    terminal: false,
    runnerWorks: false,
    holdsShortName: true,
    deployClockRuns: false,
    next: ['queued', 'rejected', 'expired', 'cancelled'],
  },
  queued: { terminal: false, runnerWorks: false, holdsShortName: true, deployClockRuns: false, next: ['submitted', 'cancelled', 'failed'] },
  submitted: { terminal: false, runnerWorks: true, holdsShortName: true, deployClockRuns: true, next: ['deploying', 'deployed', 'failed'] },
  deploying: { terminal: false, runnerWorks: true, holdsShortName: true, deployClockRuns: true, next: ['deploying', 'deployed', 'failed'] },
  deployed: { terminal: true, runnerWorks: false, holdsShortName: false, deployClockRuns: false, next: [] },
  failed: { terminal: true, runnerWorks: false, holdsShortName: false, deployClockRuns: false, next: [] },
  cancelled: { terminal: true, runnerWorks: false, holdsShortName: false, deployClockRuns: false, next: [] },
  rejected: { terminal: true, runnerWorks: false, holdsShortName: false, deployClockRuns: false, next: [] },
  expired: { terminal: true, runnerWorks: false, holdsShortName: false, deployClockRuns: false, next: [] },
};

export function canTransition(from: RequestState, to: RequestState): boolean {
  return STATES[from].next.includes(to);
}

export function isTerminal(state: RequestState): boolean {
  return STATES[state].terminal;
}

export function holdsShortName(state: RequestState): boolean {
  return STATES[state].holdsShortName;
}

/** The states with the given behaviour, in declaration order (e.g. what to resume after a restart). */
export function statesWhere(pick: (b: StateBehaviour) => boolean): RequestState[] {
  return REQUEST_STATES.filter((s) => pick(STATES[s]));
}

/**
 * When the deploy timeout of `req` ends, or undefined while its clock does not run (not in a
 * clocked state, or the create was not sent yet).
 */
export function deployDeadline(req: Pick<ProvisioningRequest, 'state' | 'ump'>, timeoutMs: number): number | undefined {
  if (!STATES[req.state].deployClockRuns || !req.ump.createAttemptedAt) return undefined;
  return Date.parse(req.ump.createAttemptedAt) + timeoutMs;
}

export const ActorSchema = z.object({
  /** The Entra object id when Teams gives one, the channel account id otherwise. */
  id: z.string(),
  name: z.string(),
  aadObjectId: z.string().optional(),
  /** The Teams user id (29:…) in this bot's conversations: what a mention or a card refresh names. */
  userId: z.string().optional(),
});
export type Actor = z.infer<typeof ActorSchema>;

export const StepSchema = z.object({ level: z.string(), message: z.string(), at: z.string() });
export type ObservedStep = z.infer<typeof StepSchema>;

/** What a request creates; the password is not here (it is in the encrypted secrets). */
export const CustomerSpecSchema = z.object({
  shortName: z.string(),
  fullName: z.string().optional(),
  siteLocation: z.object({ sbcId: z.number(), sbcOnboardingScript: z.number(), sbcCleanupScript: z.number() }),
  ovocCustomerType: z.enum(['IPGROUP_TYPE', 'TENANT_TYPE']),
  msTenantId: z.string(),
  /** What the user typed for the tenant (a domain resolves to msTenantId). */
  tenantInput: z.string().optional(),
  channelId: z.string().optional(),
  lcCustomerId: z.string().optional(),
  /** Non-secret script parameters; secret ones are listed in secretKeys. */
  scriptParameters: z.record(z.string(), z.string()),
  secretKeys: z.array(z.string()),
});
export type CustomerSpec = z.infer<typeof CustomerSpecSchema>;

export const FailureSchema = z.object({
  /** The step that failed, when known. */
  step: z.string().optional(),
  message: z.string(),
  errorDetails: z.string().optional(),
  traceId: z.string().optional(),
  errorTicket: z.string().optional(),
  /** What the user can do next. */
  hint: z.string(),
  /** Live Platform's field errors, keyed by the form's field ids (`form` for the rest): shown next to each input on resubmit. */
  fieldErrors: z.record(z.string(), z.array(z.string())).optional(),
  /** Live Platform refused the create outright (a 4xx answer): no customer exists, so the request may be retried. */
  nothingCreated: z.boolean().optional(),
});
export type Failure = z.infer<typeof FailureSchema>;

export const RequestSchema = z.object({
  id: z.string(),
  /** One form (conversation + card message) yields at most one request: the idempotency key. */
  formKey: z.string(),
  state: z.enum(REQUEST_STATES),
  /** Bumped on every write; writes are guarded by it (optimistic concurrency). */
  version: z.number().int(),
  requestedBy: ActorSchema,
  customer: CustomerSpecSchema,
  /** Where the request was made and its card lives (rows written before v1 are upgraded on read). */
  conversation: z.preprocess(upgradeAddress, ConversationAddressSchema),
  cardActivityId: z.string().optional(),
  /** Other messages that show this request (e.g. its approval card in an approvers' channel). */
  linkedCards: z
    .array(z.object({ conversation: z.preprocess(upgradeAddress, ConversationAddressSchema), activityId: z.string().optional(), purpose: z.string() }))
    .default([]),
  /** When it joined the queue for a deployment place: the queue's order (strictly increasing per process). */
  queuedAt: z.string().optional(),
  cancelled: z.object({ by: ActorSchema, at: z.string(), reason: z.string().optional() }).optional(),
  /** Present when the request needs (or needed) an approver's decision. */
  approval: z
    .object({
      requestedAt: z.string(),
      /** No decision by then: the request expires. */
      expiresAt: z.string(),
      /** The approver's yes or no, or the expiry. */
      decision: z
        .object({ outcome: z.enum(['approved', 'rejected', 'expired']), by: ActorSchema.optional(), at: z.string(), reason: z.string().optional() })
        .optional(),
    })
    .optional(),
  /** The earlier request this one corrects or repeats (`retry`, Fix and resubmit). */
  retryOf: z.string().optional(),
  /** The request that was submitted in place of this one: it cannot be resubmitted twice. */
  retriedAs: z.object({ id: z.string(), formKey: z.string(), at: z.string(), by: ActorSchema }).optional(),
  /** What the requester was told already (approved, rejected, deployed, …), so a restart does not tell it twice. */
  notified: z.array(z.string()).default([]),
  ump: z
    .object({
      mode: z.enum(['sync', 'poll', 'task']).optional(),
      customerGuid: z.string().optional(),
      jobId: z.string().optional(),
      adopted: z.boolean().optional(),
      /** Set before the create POST is sent: after a crash, reconcile by name, never re-post blindly. */
      createAttemptedAt: z.string().optional(),
      rawState: z.string().optional(),
      /** Live Platform is not answering right now (shown on the card); cleared by the next answer. */
      lastError: z.string().optional(),
    })
    .default({}),
  steps: z.array(StepSchema).default([]),
  result: z.object({ customerId: z.string().optional(), customerGuid: z.string().optional(), siteLocationIds: z.array(z.string()).default([]) }).optional(),
  failure: FailureSchema.optional(),
  warnings: z.array(z.string()).default([]),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type ProvisioningRequest = z.infer<typeof RequestSchema>;

export interface AuditEntry {
  requestId: string;
  at: string;
  actor: string;
  action: string;
  detail?: Record<string, unknown>;
}
