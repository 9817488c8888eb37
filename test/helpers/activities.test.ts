import { Application } from '@microsoft/teams-ai';
import { MemoryStorage, TestAdapter, TurnContext, type Activity } from 'botbuilder';
import {
  actionExecuteInvoke,
  actionSubmit,
  APPROVER,
  BOT_ID,
  channelMention,
  CHANNEL_ID,
  conversationUpdateBotAdded,
  GROUP_CHAT_ID,
  groupChatMention,
  PERSONAL_CONVERSATION_ID,
  personalMessage,
  TEAM_ID,
  TENANT_ID,
  USER,
  type TestActivity,
} from './activities';

const serviceUrl = 'http://127.0.0.1:1/';
const asActivity = (a: TestActivity) => a as unknown as Activity;

describe('activity builders', () => {
  const all: Array<[string, () => TestActivity]> = [
    ['personalMessage', () => personalMessage('hello', { serviceUrl })],
    ['channelMention', () => channelMention('hello', { serviceUrl })],
    ['groupChatMention', () => groupChatMention('hello', { serviceUrl })],
    ['actionSubmit', () => actionSubmit({ verb: 'approve' }, { serviceUrl, replyToId: '1700000000001' })],
    ['actionExecuteInvoke', () => actionExecuteInvoke('approve', { verb: 'approve' }, { serviceUrl, replyToId: '1700000000001' })],
    ['conversationUpdateBotAdded', () => conversationUpdateBotAdded({ serviceUrl })],
  ];

  it.each(all)('%s builds a Teams-shaped plain object from the default user to the bot, in the default tenant', (_name, build) => {
    const activity = build();
    expect(activity).toMatchObject({
      channelId: 'msteams',
      serviceUrl,
      from: { id: USER.id, name: USER.name, aadObjectId: USER.aadObjectId },
      recipient: { id: BOT_ID },
      conversation: { tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID } },
    });
    expect(new Date(activity.timestamp).toISOString()).toBe(activity.timestamp);
    expect(JSON.parse(JSON.stringify(activity))).toEqual(activity);
  });

  it('gives every activity a fresh id', () => {
    const ids = [...all, ...all].map(([, build]) => build().id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('takes the user, tenant, id and arbitrary overrides from the caller', () => {
    const activity = personalMessage('hi', {
      serviceUrl,
      user: APPROVER,
      tenantId: 'tenant-x',
      id: 'm1',
      overrides: { locale: 'de-DE', textFormat: 'markdown' },
    });
    expect(activity).toMatchObject({
      id: 'm1',
      from: { aadObjectId: APPROVER.aadObjectId },
      conversation: { tenantId: 'tenant-x' },
      locale: 'de-DE',
      textFormat: 'markdown',
    });
    expect(activity.conversation.id).not.toBe(PERSONAL_CONVERSATION_ID);
  });

  it("places a channel post in its own thread, a card action in its card's thread, or either in the thread given", () => {
    const root = channelMention('create customer', { serviceUrl });
    expect(root.conversation).toEqual({ isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: `${CHANNEL_ID};messageid=${root.id}` });
    expect(root.channelData).toMatchObject({ teamsChannelId: CHANNEL_ID, teamsTeamId: TEAM_ID, channel: { id: CHANNEL_ID }, team: { id: TEAM_ID } });
    expect(channelMention('status', { serviceUrl, threadId: root.id }).conversation.id).toBe(root.conversation.id);
    expect(actionSubmit({ verb: 'approve' }, { serviceUrl, where: 'channel', replyToId: 'card-1' }).conversation.id).toBe(`${CHANNEL_ID};messageid=card-1`);
    expect(actionSubmit({ verb: 'approve' }, { serviceUrl, where: 'channel', replyToId: 'card-1', threadId: root.id }).conversation.id).toBe(
      root.conversation.id,
    );
  });

  it('prefixes mentions the way Teams does, so botbuilder can strip them', () => {
    for (const activity of [channelMention('create customer', { serviceUrl }), groupChatMention('create customer', { serviceUrl })]) {
      expect(activity.text).toBe('<at>Bot</at> create customer');
      expect(TurnContext.removeRecipientMention(asActivity(activity))).toBe('create customer');
    }
    expect(groupChatMention('x', { serviceUrl }).conversation).toMatchObject({ conversationType: 'groupChat', id: GROUP_CHAT_ID });
  });

  it('sends a team installation to the General channel, which has the team id', () => {
    const activity = conversationUpdateBotAdded({ serviceUrl, where: 'channel' });
    expect(activity.conversation).toMatchObject({ conversationType: 'channel', id: TEAM_ID });
    expect(activity.channelData).toEqual({
      eventType: 'teamMemberAdded',
      team: { id: TEAM_ID, name: 'Operations' },
      settings: { selectedChannel: { id: TEAM_ID } },
      tenant: { id: TENANT_ID },
    });
    expect(activity.membersAdded).toEqual([{ id: BOT_ID }]);
  });
});

describe('activity builders routed by teams-ai', () => {
  /** Which handler a real teams-ai Application picks for an activity. */
  async function route(activity: TestActivity): Promise<string[]> {
    const hits: string[] = [];
    const app = new Application({ storage: new MemoryStorage(), startTypingTimer: false });
    app.message(/^create customer$/i, async () => void hits.push('message: create customer'));
    app.adaptiveCards.actionSubmit('approve', async (_ctx, _state, data) => void hits.push(`submit: ${JSON.stringify(data)}`));
    app.adaptiveCards.actionExecute('approve', async (_ctx, _state, data) => {
      hits.push(`execute: ${JSON.stringify(data)}`);
      return 'approved';
    });
    app.conversationUpdate('membersAdded', async (ctx) => void hits.push(`membersAdded: ${ctx.activity.membersAdded?.map((m) => m.id).join(',')}`));
    const adapter = new TestAdapter();
    await app.run(new TurnContext(adapter, asActivity(activity)));
    return hits;
  }

  it.each([
    ['a personal message', personalMessage('create customer', { serviceUrl })],
    ['a channel mention', channelMention('create customer', { serviceUrl })],
    ['a group chat mention', groupChatMention('create customer', { serviceUrl })],
  ])('routes %s to the anchored message route once the mention is removed', async (_name, activity) => {
    await expect(route(activity)).resolves.toEqual(['message: create customer']);
  });

  it('routes an Action.Submit by the verb in its value', async () => {
    await expect(route(actionSubmit({ verb: 'approve', id: 'r1' }, { serviceUrl, replyToId: '1700000000001', where: 'channel' }))).resolves.toEqual([
      'submit: {"verb":"approve","id":"r1"}',
    ]);
  });

  it('routes an Action.Execute invoke by its verb', async () => {
    await expect(route(actionExecuteInvoke('approve', { verb: 'approve', id: 'r1' }, { serviceUrl, replyToId: '1700000000001' }))).resolves.toEqual([
      'execute: {"verb":"approve","id":"r1"}',
    ]);
  });

  it('routes the bot being added to membersAdded', async () => {
    await expect(route(conversationUpdateBotAdded({ serviceUrl, where: 'groupChat' }))).resolves.toEqual([`membersAdded: ${BOT_ID}`]);
  });
});
