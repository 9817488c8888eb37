/**
 * Drives the Microsoft 365 Agents Playground (the local Teams-like client) over its own HTTP and
 * WebSocket API, for end-to-end tests against a bot running anonymously on localhost.
 * What the Playground really sends and accepts is written down in docs/playground-driving.md.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { z } from 'zod/v4';
import { spawnPlayground, waitForListening } from '../../scripts/playground-process';
import { getFreePort, isPortFree } from './ports';
import { cardActions, cardOf, isRecord, messageText } from './playground-cards';

export { cardActions, cardOf, cardText, messageText, type Card, type CardAction } from './playground-cards';

const START_TIMEOUT_MS = 30_000;
const DEFAULT_WAIT_MS = 10_000;

const userSchema = z.object({ id: z.string(), name: z.string(), aadObjectId: z.string() }).passthrough();
const testConfigSchema = z.object({
  tenantId: z.string(),
  bot: z.object({ id: z.string(), name: z.string() }),
  currentUser: userSchema,
  users: z.array(userSchema),
  personalChat: z.object({ id: z.string(), name: z.string() }),
  groupChats: z.array(z.object({ id: z.string(), name: z.string(), members: z.array(z.string()) })),
  teams: z.array(
    z
      .object({
        id: z.string(),
        name: z.string(),
        channels: z.array(z.object({ id: z.string(), name: z.string() }).passthrough()),
        members: z.array(z.string()),
      })
      .passthrough(),
  ),
});
export type PlaygroundConfig = z.infer<typeof testConfigSchema>;
export type PlaygroundUser = z.infer<typeof userSchema>;

const attachmentSchema = z.object({ contentType: z.string(), content: z.unknown() });
const wireMessageSchema = z.object({
  messageId: z.string(),
  timestamp: z.number(),
  from: z.object({ id: z.string() }),
  text: z.string().optional(),
  attachments: z.array(attachmentSchema).default([]),
  postConversationId: z.string().optional(),
});
const streamEventSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('createMessage'), actionConversationId: z.string(), message: wireMessageSchema }),
  z.object({ action: z.literal('updateMessage'), actionConversationId: z.string(), message: wireMessageSchema }),
  z.object({ action: z.literal('typing'), actionConversationId: z.string() }),
]);
export type Attachment = z.infer<typeof attachmentSchema>;

// The Log Panel's feed: every activity between the Playground and the bot, both ways, with the HTTP
// status, plus text notices such as "Cannot connect to your app".
const logItemSchema = z
  .object({
    conversationId: z.string().optional(),
    timestamp: z.number(),
    type: z.string().optional(),
    level: z.string().optional(),
    displayText: z.string().optional(),
    activityName: z.string().optional(),
    messageId: z.string().optional(),
    /** "Microsoft 365 Agents Playground" (to the bot) or "User Application" (from the bot). */
    from: z.string().optional(),
    to: z.string().optional(),
    request: z.object({ body: z.unknown() }).passthrough().optional(),
    response: z.object({ statusCode: z.number(), body: z.unknown() }).passthrough().optional(),
  })
  .passthrough();
export type PlaygroundLogItem = z.infer<typeof logItemSchema>;

/** A bot message as the Playground streamed it: posted ('createMessage') or edited ('updateMessage'). */
export interface StreamMessage {
  seq: number;
  action: 'createMessage' | 'updateMessage';
  /** The stream's actionConversationId: a channel's id (not the thread's) for a thread's first message. */
  conversationId: string;
  messageId: string;
  timestamp: number;
  from: { id: string };
  text?: string;
  attachments: Attachment[];
  /** Set when the bot started a new channel thread: the thread's conversation id. */
  postConversationId?: string;
  raw: unknown;
}
export type StreamEvent = StreamMessage | { seq: number; action: 'typing'; conversationId: string; raw: unknown };

export interface SentMessage {
  messageId: string;
  timestamp: number;
  /** Where the bot answers: the new thread for a top-level channel post, else the conversation itself. */
  conversationId: string;
  postConversationId?: string;
  /** 'custom-activity' when sent as another user: then the Playground stores no user message. */
  delivery: 'playground' | 'custom-activity';
}
export interface InvokeResponse {
  type: string;
  value: unknown;
}
export interface AsUser {
  from?: string;
}
export interface WaitOptions {
  /** Only look at events with seq >= since (see `cursor()`); default: every event so far. */
  since?: number;
}

export class PlaygroundApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`Playground ${method} ${path} answered ${status}: ${JSON.stringify(body)}`);
    this.name = 'PlaygroundApiError';
  }
}

export interface StartPlaygroundOptions {
  /** The bot's messages endpoint, e.g. http://127.0.0.1:3978/api/messages. The bot must run anonymously. */
  botEndpoint: string;
  /** Port for the Playground; default a free one. Startup fails if the Playground does not get exactly this port. */
  port?: number;
  /** The Playground's own log; default a fresh temp file (without one it writes ./devTools/ in its cwd). */
  logFile?: string;
  /** Working directory, where it reads .m365agentsplayground.yml; default process.cwd(). */
  cwd?: string;
}

export interface Playground {
  url: string;
  port: number;
  logFile: string;
  config: PlaygroundConfig;
  /** Conversation ids: the personal chat, the first group chat, and the first team's General channel. */
  personal: string;
  groupChat: string;
  channel: string;
  /** Every stream event so far, in arrival order. */
  readonly events: readonly StreamEvent[];
  /** The wire log so far: each activity to and from the bot (request body, HTTP status) and text notices. */
  readonly logs: readonly PlaygroundLogItem[];
  /** The seq the next event will get: pass it as `since` to ignore what came before. */
  cursor(): number;
  sendMessage(conversationId: string, text: string, options?: AsUser & { mentionBot?: boolean }): Promise<SentMessage>;
  submit(conversationId: string, replyToId: string, value: Record<string, unknown>, options?: AsUser): Promise<void>;
  invoke(conversationId: string, replyToId: string, verb: string, data?: Record<string, unknown>, options?: AsUser): Promise<InvokeResponse>;
  /** Press a card button like the client does: Action.Execute → invoke, Action.Submit → submit; inputs merge over data. */
  pressButton(message: StreamMessage, title: string, options?: AsUser & { inputs?: Record<string, unknown> }): Promise<InvokeResponse | undefined>;
  /** Send any activity to the bot, built on the Playground's own template for that conversation. */
  sendCustomActivity(conversationId: string, fields: Record<string, unknown>, template?: string): Promise<Record<string, unknown>>;
  waitForEvent(predicate: (event: StreamEvent) => boolean, timeoutMs?: number, options?: WaitOptions): Promise<StreamEvent>;
  waitForMessage(predicate: (message: StreamMessage) => boolean, timeoutMs?: number, options?: WaitOptions): Promise<StreamMessage>;
  waitForUpdate(messageId: string, predicate?: (message: StreamMessage) => boolean, timeoutMs?: number, options?: WaitOptions): Promise<StreamMessage>;
  stop(): Promise<void>;
}

interface Waiter {
  matches: (event: StreamEvent) => boolean;
  since: number;
  resolve: (event: StreamEvent) => void;
  reject: (error: Error) => void;
}

export async function startPlayground(options: StartPlaygroundOptions): Promise<Playground> {
  const port = options.port ?? (await getFreePort());
  if (options.port !== undefined && !(await isPortFree(port))) {
    throw new Error(`startPlayground: port ${port} is already in use (a leftover Playground? check with \`ss -ltnp 'sport = :${port}'\`)`);
  }
  const logFile = options.logFile ?? path.join(mkdtempSync(path.join(tmpdir(), 'playground-')), 'playground.log');
  const proc = spawnPlayground({ botEndpoint: options.botEndpoint, port, logFile, cwd: options.cwd ?? process.cwd() });
  const { child, output, killGroup } = proc;
  // If the test process dies without stop(), do not leave a Playground behind.
  const onExit = (): void => killGroup('SIGKILL');
  process.once('exit', onExit);
  const base = `http://127.0.0.1:${port}`;
  let driver: Driver | undefined;
  try {
    const listening = await waitForListening(proc, START_TIMEOUT_MS);
    if (listening !== port) {
      throw new Error(`startPlayground: asked for port ${port} but the Playground took ${listening} (port ${port} was taken)`);
    }
    await expectPong(base);
    const config = testConfigSchema.parse((await httpJson('GET', base, '/_internal/v1/testConfig')).config);
    driver = new Driver(base, port, logFile, config, child, killGroup, () => process.removeListener('exit', onExit));
    await driver.connect();
    return driver.api();
  } catch (error) {
    driver?.terminateSockets();
    killGroup('SIGKILL');
    process.removeListener('exit', onExit);
    throw new Error(`${(error as Error).message}\n--- Playground output ---\n${output()}\n(log: ${logFile})`, { cause: error });
  }
}

async function expectPong(base: string): Promise<void> {
  const res = await fetch(`${base}/_debug/ping`);
  const text = await res.text();
  if (text !== 'pong') throw new Error(`startPlayground: ${base}/_debug/ping answered ${res.status} ${JSON.stringify(text)}, not "pong"`);
}

async function httpJson(method: 'GET' | 'POST', base: string, urlPath: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(base + urlPath, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    // Keep the raw text for the error.
  }
  if (res.status !== 200) throw new PlaygroundApiError(method, urlPath, res.status, parsed);
  if (parsed === null || typeof parsed !== 'object') throw new PlaygroundApiError(method, urlPath, res.status, parsed);
  return parsed as Record<string, unknown>;
}

class Driver {
  private readonly events: StreamEvent[] = [];
  private readonly waiters = new Set<Waiter>();
  /** Conversation (thread) of every bot message, by id: updates of a thread's first message name the channel. */
  private readonly threads = new Map<string, string>();
  private readonly logs: PlaygroundLogItem[] = [];
  private readonly sockets: WebSocket[] = [];
  private failure: Error | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly base: string,
    private readonly port: number,
    private readonly logFile: string,
    private readonly config: PlaygroundConfig,
    private readonly child: ChildProcess,
    private readonly killGroup: (signal: NodeJS.Signals) => void,
    private readonly forgetExitHook: () => void,
  ) {
    child.once('exit', (code, signal) => this.fail(new Error(`the Playground process exited (code ${code}, signal ${signal})`)));
  }

  /** Subscribe to the message stream and the wire log (this also stops the Playground buffering the log forever). */
  async connect(): Promise<void> {
    await Promise.all([
      this.open('/_ws_conversation/v1/conversations/stream', (data) => this.onStreamData(data)),
      this.open('/_ws/log/stream', (data) => this.onLogData(data)),
    ]);
  }

  private async open(urlPath: string, onData: (data: string) => void): Promise<void> {
    const ws = new WebSocket(`ws://127.0.0.1:${this.port}${urlPath}`);
    this.sockets.push(ws);
    ws.on('message', (data) => onData(String(data)));
    ws.on('close', () => this.fail(new Error(`the Playground closed ${urlPath}`)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }

  terminateSockets(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  private onLogData(data: string): void {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = z.object({ logAction: z.string(), log: logItemSchema }).safeParse(json);
    // Diagnostics only: an item of unknown shape is skipped rather than failing the test.
    if (parsed.success) this.logs.push(parsed.data.log);
  }

  api(): Playground {
    const channel = this.config.teams[0]?.channels.find((c) => c.name === 'General') ?? this.config.teams[0]?.channels[0];
    const groupChat = this.config.groupChats[0];
    if (!channel || !groupChat) throw new Error('startPlayground: the Playground config has no group chat or no team channel');
    return {
      url: `http://localhost:${this.port}`,
      port: this.port,
      logFile: this.logFile,
      config: this.config,
      personal: this.config.personalChat.id,
      groupChat: groupChat.id,
      channel: channel.id,
      events: this.events,
      logs: this.logs,
      cursor: () => this.events.length,
      sendMessage: (c, t, o) => this.sendMessage(c, t, o),
      submit: (c, r, v, o) => this.submit(c, r, v, o),
      invoke: (c, r, v, d, o) => this.invoke(c, r, v, d ?? {}, o),
      pressButton: (m, t, o) => this.pressButton(m, t, o),
      sendCustomActivity: (c, f, t) => this.sendCustomActivity(c, f, t),
      waitForEvent: (p, t, o) => this.waitFor(p, t, o),
      waitForMessage: (p, t, o) => this.waitFor((e) => e.action === 'createMessage' && p(e), t, o) as Promise<StreamMessage>,
      waitForUpdate: (id, p, t, o) =>
        this.waitFor((e) => e.action === 'updateMessage' && e.messageId === id && (p ?? (() => true))(e), t, o) as Promise<StreamMessage>,
      stop: () => this.stop(),
    };
  }

  private onStreamData(data: string): void {
    let parsed: z.infer<typeof streamEventSchema>;
    try {
      parsed = streamEventSchema.parse(JSON.parse(data));
    } catch (error) {
      this.fail(new Error(`unexpected Playground stream event ${data}: ${(error as Error).message}`));
      return;
    }
    const seq = this.events.length;
    const raw: unknown = JSON.parse(data);
    const event: StreamEvent =
      parsed.action === 'typing'
        ? { seq, action: 'typing', conversationId: parsed.actionConversationId, raw }
        : { seq, action: parsed.action, conversationId: parsed.actionConversationId, ...parsed.message, raw };
    if (event.action === 'createMessage') this.threads.set(event.messageId, event.postConversationId ?? event.conversationId);
    this.events.push(event);
    for (const waiter of this.waiters) {
      if (event.seq < waiter.since) continue;
      // A throwing predicate fails its own wait, not the stream.
      try {
        if (waiter.matches(event)) waiter.resolve(event);
      } catch (error) {
        waiter.reject(error as Error);
      }
    }
  }

  private waitFor(predicate: (event: StreamEvent) => boolean, timeoutMs = DEFAULT_WAIT_MS, options: WaitOptions = {}): Promise<StreamEvent> {
    const since = options.since ?? 0;
    let found: StreamEvent | undefined;
    try {
      found = this.events.find((e) => e.seq >= since && predicate(e));
    } catch (error) {
      return Promise.reject(error);
    }
    if (found) return Promise.resolve(found);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        matches: predicate,
        since,
        resolve: (e) => {
          done();
          resolve(e);
        },
        reject: (err) => {
          done();
          reject(err);
        },
      };
      const timer = setTimeout(
        () => waiter.reject(new Error(`Timed out after ${timeoutMs} ms waiting for a Playground event; events since ${since}:\n${this.describe(since)}`)),
        timeoutMs,
      );
      this.waiters.add(waiter);
    });
  }

  private describe(since: number): string {
    const lines = this.events
      .slice(since)
      .slice(-15)
      .map((e) =>
        e.action === 'typing'
          ? `#${e.seq} typing in ${e.conversationId}`
          : `#${e.seq} ${e.action} ${e.messageId} in ${e.conversationId}: ${messageText(e).slice(0, 160)}`,
      );
    const problems = this.logs
      .filter((l) => l.level === 'warning' || l.level === 'error' || (l.response?.statusCode ?? 0) >= 400)
      .slice(-5)
      .map((l) => (l.response ? `${l.activityName} ${l.from} -> ${l.to}: HTTP ${l.response.statusCode}` : `${l.level}: ${l.displayText}`));
    return [lines.length > 0 ? lines.join('\n') : '(none)', ...(problems.length > 0 ? ['Playground log problems:', ...problems] : [])].join('\n');
  }

  private fail(error: Error): void {
    if (this.stopping || this.failure) return;
    this.failure = new Error(`${error.message} (Playground log: ${this.logFile})`, { cause: error });
    for (const waiter of this.waiters) waiter.reject(this.failure);
  }

  private userOf(from: string | undefined): PlaygroundUser {
    const id = from ?? this.config.currentUser.id;
    const user = [this.config.currentUser, ...this.config.users].find((u) => u.id === id);
    if (!user) throw new Error(`Playground: no user "${id}"; known: ${this.config.users.map((u) => u.id).join(', ')}`);
    return user;
  }

  private async sendMessage(conversationId: string, text: string, options: AsUser & { mentionBot?: boolean } = {}): Promise<SentMessage> {
    const user = this.userOf(options.from);
    const { bot } = this.config;
    const mention = `<at>${bot.name}</at>`;
    const mentionBot = options.mentionBot ?? conversationId !== this.config.personalChat.id;
    const fullText = mentionBot ? `${mention} ${text}` : text;
    if (user.id === this.config.currentUser.id) {
      const body = {
        from: { id: user.id },
        text: fullText,
        textFormat: 'plain',
        mentions: mentionBot ? [{ mentioned: { id: bot.id }, text: mention }] : undefined,
      };
      const res = await httpJson('POST', this.base, `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, body);
      const sent = z.object({ messageId: z.string(), timestamp: z.number(), postConversationId: z.string().optional() }).parse(res);
      return { ...sent, conversationId: sent.postConversationId ?? conversationId, delivery: 'playground' };
    }
    // The messages API only checks from.id for membership and always sends as the current user,
    // so another user's message goes to the bot as a custom activity instead.
    if (this.isChannelRoot(conversationId)) {
      throw new Error(
        `Playground: only the current user can start a channel thread; post as ${this.config.currentUser.id}, then reply in the returned conversationId as ${user.id}`,
      );
    }
    if (!this.members(conversationId).includes(user.id)) throw new Error(`Playground: ${user.id} is not a member of ${conversationId}`);
    const activity = await this.sendCustomActivity(conversationId, {
      type: 'message',
      text: fullText,
      textFormat: 'plain',
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      entities: mentionBot ? [{ type: 'mention', mentioned: { id: bot.id, name: bot.name }, text: mention }] : [],
    });
    return { messageId: String(activity.id), timestamp: Date.parse(String(activity.timestamp)), conversationId, delivery: 'custom-activity' };
  }

  /** Members other than the current user (who is in every conversation), as the Playground config lists them. */
  private members(conversationId: string): string[] {
    const channelId = conversationId.split(';')[0];
    const chat = this.config.groupChats.find((c) => c.id === conversationId);
    const team = this.config.teams.find((t) => t.channels.some((c) => c.id === channelId));
    return chat?.members ?? team?.members ?? [];
  }

  private isChannelRoot(conversationId: string): boolean {
    return this.config.teams.some((t) => t.channels.some((c) => c.id === conversationId));
  }

  private async sendCustomActivity(conversationId: string, fields: Record<string, unknown>, template?: string): Promise<Record<string, unknown>> {
    const query = `conversationId=${encodeURIComponent(conversationId)}${template ? `&type=${encodeURIComponent(template)}` : ''}`;
    const base = await httpJson('GET', this.base, `/_internal/v1/customActivities/template?${query}`);
    // Typed templates (install, botAdded...) carry their own channelData; the plain one carries none.
    const activity = { ...base, channelData: base.channelData ?? this.channelDataFor(conversationId), ...fields };
    await httpJson('POST', this.base, '/_internal/v1/customActivities', activity);
    return activity;
  }

  /** The template carries no channelData, but Teams (and the Playground's own messages) put the team and channel there. */
  private channelDataFor(conversationId: string): Record<string, unknown> {
    const channelId = conversationId.split(';')[0];
    const team = this.config.teams.find((t) => t.channels.some((c) => c.id === channelId));
    const tenant = { id: this.config.tenantId };
    if (!team) return { tenant };
    return { teamsChannelId: channelId, teamsTeamId: team.id, tenant, team: { id: team.id }, channel: { id: channelId } };
  }

  private async submit(conversationId: string, replyToId: string, value: Record<string, unknown>, options: AsUser = {}): Promise<void> {
    const from = { id: this.userOf(options.from).id };
    await httpJson('POST', this.base, '/_conversation/v1/submit', { conversation: { id: conversationId }, from, replyToId, value });
  }

  private async invoke(conversationId: string, replyToId: string, verb: string, data: Record<string, unknown>, options: AsUser = {}): Promise<InvokeResponse> {
    const from = { id: this.userOf(options.from).id };
    const value = { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' };
    const res = await httpJson('POST', this.base, '/_conversation/v1/invoke', {
      name: 'adaptiveCard/action',
      from,
      conversation: { id: conversationId },
      replyToId,
      value,
    });
    const { type, value: answer } = z.object({ type: z.string(), value: z.unknown() }).parse(res);
    return { type, value: answer };
  }

  private async pressButton(
    message: StreamMessage,
    title: string,
    options: AsUser & { inputs?: Record<string, unknown> } = {},
  ): Promise<InvokeResponse | undefined> {
    const card = cardOf(message);
    const action = card && cardActions(card).find((a) => a.title === title);
    if (!action)
      throw new Error(
        `Playground: message ${message.messageId} has no card button "${title}"; buttons: ${
          card
            ? cardActions(card)
                .map((a) => a.title)
                .join(', ')
            : '(no card)'
        }`,
      );
    const conversationId = this.threads.get(message.messageId) ?? message.postConversationId ?? message.conversationId;
    const data = { ...(isRecord(action.data) ? action.data : {}), ...options.inputs };
    if (action.type === 'Action.Execute') return this.invoke(conversationId, message.messageId, String(action.verb ?? ''), data, options);
    if (action.type === 'Action.Submit') {
      await this.submit(conversationId, message.messageId, data, options);
      return undefined;
    }
    throw new Error(`Playground: pressButton cannot press a ${String(action.type)} ("${title}")`);
  }

  private stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.terminateSockets();
      for (const waiter of this.waiters) waiter.reject(new Error('the Playground was stopped'));
      if (this.child.exitCode === null && this.child.signalCode === null) {
        const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
        this.killGroup('SIGTERM');
        const timer = setTimeout(() => this.killGroup('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
      // Children that outlived the CLI share its group: make sure none survive.
      this.killGroup('SIGKILL');
      this.forgetExitHook();
    })();
    return this.stopping;
  }
}

// ---- Reading cards -------------------------------------------------------------------------
