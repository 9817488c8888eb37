import { z } from 'zod/v4';

/**
 * A provisioning request's life. The approval, cancel and retry issues add states and
 * transitions here; everything else asks this module what is allowed.
 *
 *   submitted ──create sent──▶ deploying ──▶ deployed
 *       │                          │
 *       └──────────────▶ failed ◀──┘
 */
export const REQUEST_STATES = ['submitted', 'deploying', 'deployed', 'failed'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

const TRANSITIONS: Record<RequestState, readonly RequestState[]> = {
  submitted: ['deploying', 'deployed', 'failed'],
  deploying: ['deploying', 'deployed', 'failed'],
  deployed: [],
  failed: [],
};

export function canTransition(from: RequestState, to: RequestState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(state: RequestState): boolean {
  return TRANSITIONS[state].length === 0;
}

export const ActorSchema = z.object({ id: z.string(), name: z.string(), aadObjectId: z.string().optional() });
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
  /** Opaque to the domain: the bot edge stores how to reach the conversation again. */
  conversation: z.unknown(),
  cardActivityId: z.string().optional(),
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
