import { z } from 'zod/v4';

/**
 * Where a request's card lives, in the project's own terms: enough for the Teams edge to post into
 * or edit a message in that conversation later, from any process. Stored with every request, so
 * the shape is versioned (`v`); a new version comes with an upgrade of the stored rows.
 */
export const CONVERSATION_KINDS = ['personal', 'groupChat', 'channel'] as const;
export type ConversationKind = (typeof CONVERSATION_KINDS)[number];

export const ConversationAddressSchema = z.object({
  v: z.literal(1),
  /** The Bot Framework channel, `msteams` for Teams and the Playground. */
  channelId: z.string(),
  /** Where the Bot Connector for this conversation answers. */
  serviceUrl: z.string(),
  /** In a channel this is the thread (`…;messageid=…`), so replies stay in it. */
  conversationId: z.string(),
  kind: z.enum(CONVERSATION_KINDS),
  /** The Teams tenant the conversation belongs to. */
  tenantId: z.string().optional(),
  botId: z.string(),
  botName: z.string().optional(),
});
export type ConversationAddress = z.infer<typeof ConversationAddressSchema>;

const LegacyReference = z.object({
  channelId: z.string().optional(),
  serviceUrl: z.string(),
  conversation: z.object({ id: z.string(), conversationType: z.string().optional(), tenantId: z.string().optional() }),
  bot: z.object({ id: z.string(), name: z.string().optional() }).optional(),
});

export function conversationKind(type: string | undefined): ConversationKind {
  return type === 'channel' || type === 'groupChat' ? type : 'personal';
}

/**
 * Requests stored before the address had a version held botbuilder's ConversationReference as it
 * was; this turns one into an address. Anything that is neither is returned unchanged (and then
 * fails validation where it is read).
 */
export function upgradeAddress(stored: unknown): unknown {
  if (stored && typeof stored === 'object' && 'v' in stored) return stored;
  const legacy = LegacyReference.safeParse(stored);
  if (!legacy.success) return stored;
  const r = legacy.data;
  return {
    v: 1,
    channelId: r.channelId ?? 'msteams',
    serviceUrl: r.serviceUrl,
    conversationId: r.conversation.id,
    kind: conversationKind(r.conversation.conversationType),
    ...(r.conversation.tenantId ? { tenantId: r.conversation.tenantId } : {}),
    botId: r.bot?.id ?? '',
    ...(r.bot?.name ? { botName: r.bot.name } : {}),
  } satisfies ConversationAddress;
}
