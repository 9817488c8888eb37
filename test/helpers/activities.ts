/**
 * Builders for the activities Teams sends to the bot, shaped like captured Teams traffic:
 * `channelId: 'msteams'`, the tenant in both `channelData.tenant.id` and `conversation.tenantId`,
 * `from.aadObjectId`, the bot as `recipient`, and the caller's `serviceUrl` (the fake connector's).
 * Each returns a JSON-ready plain object with a fresh `id` and an ISO `timestamp`; `overrides` are
 * applied last, shallowly.
 */

export const BOT_ID = '28:bot-app-id';
export const BOT_NAME = 'Bot';
/** The tenant the bot's users sign in to (the service provider's), not a customer tenant. */
export const TENANT_ID = '38f552df-896d-45ee-b208-716466570adb';

export interface TestUser {
  /** Teams user id (29:…), unique per bot. */
  id: string;
  name: string;
  /** Entra object id: the identity to authorise against, e.g. approvers. */
  aadObjectId: string;
}

export const USER: TestUser = { id: '29:1user-megan-bowen', name: 'Megan Bowen', aadObjectId: 'b7ffb027-1bfd-49e9-8d1a-fd5b4825ec41' };
/** A second person, e.g. the approver of USER's request. */
export const APPROVER: TestUser = { id: '29:1user-adele-vance', name: 'Adele Vance', aadObjectId: '34970779-843c-47d4-ac77-3bcff0057b1a' };
export const USER_AAD_OBJECT_ID = USER.aadObjectId;

export const TEAM_ID = '19:team-operations@thread.tacv2';
export const CHANNEL_ID = '19:channel-provisioning@thread.tacv2';
export const GROUP_CHAT_ID = '19:group-chat-provisioning@thread.v2';
/** A personal chat is one conversation per user and bot. */
export const personalConversationId = (user: Pick<TestUser, 'id'> = USER): string => `a:1personal-${user.id.replace(/^\d+:/, '')}`;
export const PERSONAL_CONVERSATION_ID = personalConversationId(USER);

export type Where = 'personal' | 'channel' | 'groupChat';

export interface Account {
  id: string;
  name?: string;
  aadObjectId?: string;
}

export interface TestActivity {
  type: string;
  id: string;
  timestamp: string;
  localTimestamp: string;
  localTimezone: string;
  channelId: 'msteams';
  serviceUrl: string;
  from: Account;
  recipient: Account;
  conversation: { id: string; conversationType: 'personal' | 'channel' | 'groupChat'; tenantId: string; isGroup?: boolean };
  channelData: Record<string, unknown>;
  locale: string;
  text?: string;
  textFormat?: string;
  entities?: Array<Record<string, unknown>>;
  value?: unknown;
  name?: string;
  replyToId?: string;
  membersAdded?: Account[];
  [key: string]: unknown;
}

export interface ActivityOptions {
  /** Where replies go: the fake connector's `url`. */
  serviceUrl: string;
  /** Merged over USER. */
  user?: Partial<TestUser>;
  tenantId?: string;
  /** Replaces the conversation id the place would get. */
  conversationId?: string;
  id?: string;
  timestamp?: string;
  locale?: string;
  /** Shallow, applied last. */
  overrides?: Partial<TestActivity>;
}

export interface PlaceOptions extends ActivityOptions {
  /** Default 'personal'. */
  where?: Where;
  /** Channel thread: id of its root post. Default: this activity starts a new thread. */
  threadId?: string;
  team?: { id: string; name?: string };
  channel?: { id: string; name?: string };
}

export interface CardActionOptions extends PlaceOptions {
  /** Id of the message carrying the card. */
  replyToId: string;
  /** In a channel, the thread the card is in; default: the card's message is the thread's root. */
  threadId?: string;
}

let counter = 0;
/** Teams-style numeric ids, in a range apart from the fake connector's so the two never collide. */
export const nextActivityId = (): string => String(1_800_000_000_000 + ++counter);

export function personalMessage(text: string, opts: ActivityOptions): TestActivity {
  return build('message', { ...opts, where: 'personal' }, { text, textFormat: 'plain' });
}

/** A channel post @mentioning the bot: Teams prefixes the text with the mention and adds a mention entity. */
export function channelMention(text: string, opts: Omit<PlaceOptions, 'where'>): TestActivity {
  return mentionMessage(text, { ...opts, where: 'channel' });
}

export function groupChatMention(text: string, opts: Omit<PlaceOptions, 'where'>): TestActivity {
  return mentionMessage(text, { ...opts, where: 'groupChat' });
}

/** What Teams sends for an Action.Submit: a message with `value`, no text, replying to the card. */
export function actionSubmit(value: Record<string, unknown>, opts: CardActionOptions): TestActivity {
  return build(
    'message',
    { ...opts, threadId: opts.threadId ?? opts.replyToId },
    {
      value,
      replyToId: opts.replyToId,
      channelData: { source: { name: 'message' }, legacy: { replyToId: opts.replyToId } },
    },
  );
}

/** What Teams sends for an Action.Execute (Universal Actions). */
export function actionExecuteInvoke(verb: string, data: Record<string, unknown>, opts: CardActionOptions): TestActivity {
  return build(
    'invoke',
    { ...opts, threadId: opts.threadId ?? opts.replyToId },
    {
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      replyToId: opts.replyToId,
      channelData: { source: { name: 'message' } },
    },
  );
}

/** The bot was installed: personally, in a group chat, or in a team (arrives in its General channel). */
export function conversationUpdateBotAdded(opts: PlaceOptions): TestActivity {
  const where = opts.where ?? 'personal';
  const team = opts.team ?? { id: TEAM_ID, name: 'Operations' };
  return build(
    'conversationUpdate',
    // A team's General channel has the team's id.
    { ...opts, conversationId: opts.conversationId ?? (where === 'channel' ? team.id : undefined) },
    { membersAdded: [{ id: BOT_ID }] },
    where === 'channel' ? { eventType: 'teamMemberAdded', team, settings: { selectedChannel: { id: team.id } } } : {},
  );
}

function mentionMessage(text: string, opts: PlaceOptions): TestActivity {
  const mention = `<at>${BOT_NAME}</at>`;
  return build('message', opts, {
    text: `${mention} ${text}`,
    textFormat: 'plain',
    entities: [{ type: 'mention', text: mention, mentioned: { id: BOT_ID, name: BOT_NAME } }],
  });
}

/** `placeData` replaces the channelData a message in that place carries (events carry other fields). */
function build(type: string, opts: PlaceOptions, extra: Partial<TestActivity>, placeData?: Record<string, unknown>): TestActivity {
  const where = opts.where ?? 'personal';
  const id = opts.id ?? nextActivityId();
  const user = { ...USER, ...opts.user };
  const tenantId = opts.tenantId ?? TENANT_ID;
  const team = opts.team ?? { id: TEAM_ID };
  const channel = opts.channel ?? { id: CHANNEL_ID };
  const timestamp = opts.timestamp ?? new Date().toISOString();
  const locale = opts.locale ?? 'en-US';

  const conversation: TestActivity['conversation'] =
    where === 'personal'
      ? { conversationType: 'personal', tenantId, id: opts.conversationId ?? personalConversationId(user) }
      : where === 'groupChat'
        ? { isGroup: true, conversationType: 'groupChat', tenantId, id: opts.conversationId ?? GROUP_CHAT_ID }
        : { isGroup: true, conversationType: 'channel', tenantId, id: opts.conversationId ?? `${channel.id};messageid=${opts.threadId ?? id}` };

  const place = placeData ?? (where === 'channel' ? { teamsChannelId: channel.id, teamsTeamId: team.id, channel, team } : {});
  const { channelData: extraChannelData, entities, ...rest } = extra;
  const channelData = { ...place, ...extraChannelData, tenant: { id: tenantId } };

  const activity: TestActivity = {
    type,
    id,
    timestamp,
    localTimestamp: timestamp,
    localTimezone: 'Europe/Paris',
    channelId: 'msteams',
    serviceUrl: opts.serviceUrl,
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: BOT_ID, name: BOT_NAME },
    conversation,
    channelData,
    locale,
    entities: [...(entities ?? []), { type: 'clientInfo', locale, country: 'US', platform: 'Web', timezone: 'Europe/Paris' }],
    ...rest,
  };
  return { ...activity, ...opts.overrides };
}
