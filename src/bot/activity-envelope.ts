import { z } from 'zod/v4';

/**
 * The shape an activity must have before the SDK sees it. botbuilder and teams-ai assume it
 * (`from.id`, `conversation.id` as strings, a header-safe conversation id, entities as objects) and
 * fail deep inside a turn otherwise: a crash in the error funnel, a 500, or a reply the connector
 * refuses. Teams itself never sends such activities, so whatever fails here gets a plain 400 and
 * never reaches a feature.
 */

/** Teams ids are printable ASCII (`19:…@thread.tacv2;messageid=…`, `a:1…`, `29:…`); they travel in URL paths and headers. */
const id = z
  .string()
  .min(1)
  .max(1_000)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
const text = z.string().max(1_000_000);
const optText = text.optional().nullable();

const account = z.looseObject({ id, name: optText, aadObjectId: optText, role: optText });

const entity = z.looseObject({ type: z.string() }).superRefine((e, ctx) => {
  if (e.type !== 'mention') return;
  const m = (e as { mentioned?: unknown }).mentioned;
  if (!m || typeof m !== 'object' || typeof (m as { id?: unknown }).id !== 'string') ctx.addIssue({ code: 'custom', message: 'a mention names no account' });
});

export const ActivityEnvelopeSchema = z.looseObject({
  type: z.string().min(1).max(100),
  id: id.optional().nullable(),
  channelId: z.string().min(1).max(100),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  from: account,
  recipient: account,
  conversation: z.looseObject({ id, tenantId: optText, conversationType: optText, name: optText }),
  locale: optText,
  text: optText,
  textFormat: optText,
  name: optText,
  replyToId: id.optional().nullable(),
  timestamp: optText,
  localTimestamp: optText,
  localTimezone: optText,
  entities: z.array(entity).max(100).optional().nullable(),
  membersAdded: z.array(account).max(1_000).optional().nullable(),
  membersRemoved: z.array(account).max(1_000).optional().nullable(),
  channelData: z
    .looseObject({ tenant: z.looseObject({ id: optText }).optional().nullable() })
    .optional()
    .nullable(),
});

/** What is wrong with an incoming activity's envelope (for the log), or undefined when the SDK can take it. */
export function envelopeProblem(body: unknown): string | undefined {
  const r = ActivityEnvelopeSchema.safeParse(body);
  if (r.success) return undefined;
  const i = r.error.issues[0];
  return `${i.path.join('.') || '(activity)'}: ${i.message}`;
}
