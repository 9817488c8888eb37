/**
 * Drives the Microsoft 365 Agents Playground (the local Teams-like client) over its own HTTP and
 * WebSocket API, for end-to-end tests against a bot running anonymously on localhost.
 * What the Playground really sends and accepts is written down in docs/playground-driving.md.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { z } from 'zod/v4';
import { spawnPlayground, waitForListening, type PlaygroundProcess } from '../../scripts/playground-process';
import { getFreePort } from './ports';
import { cardActions, cardInputs, cardOf, isRecord, messageText, type Attachment, type InvokeResponse } from './playground-cards';

export { cardOf, cardText } from './playground-cards';

const START_TIMEOUT_MS = 30_000;
const DEFAULT_WAIT_MS = 10_000;

const testConfigSchema = z.object({
  bot: z.object({ id: z.string(), name: z.string() }),
  currentUser: z.object({ id: z.string(), name: z.string(), aadObjectId: z.string() }),
  users: z.array(z.object({ id: z.string(), name: z.string(), aadObjectId: z.string() })),
  personalChat: z.object({ id: z.string() }),
  groupChats: z.array(z.object({ id: z.string() })),
  teams: z.array(z.object({ channels: z.array(z.object({ id: z.string(), name: z.string() })) })),
});
type PlaygroundConfig = z.infer<typeof testConfigSchema>;

const wireMessageSchema = z.object({
  messageId: z.string(),
  text: z.string().optional(),
  attachments: z.array(z.object({ contentType: z.string(), content: z.unknown() })).default([]),
  postConversationId: z.string().optional(),
});
// Any other action fails the driver: the stream's shape is what the waits rely on.
const streamEventSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('createMessage'), actionConversationId: z.string(), message: wireMessageSchema }),
  z.object({ action: z.literal('updateMessage'), actionConversationId: z.string(), message: wireMessageSchema }),
  z.object({ action: z.literal('typing'), actionConversationId: z.string() }),
]);

// The Log Panel's feed: every activity between the Playground and the bot, both ways, with the HTTP
// status, plus text notices such as "Cannot connect to your app". Only read for timeout messages.
const logItemSchema = z.object({
  level: z.string().optional(),
  displayText: z.string().optional(),
  activityName: z.string().optional(),
  /** "Microsoft 365 Agents Playground" (to the bot) or "User Application" (from the bot). */
  from: z.string().optional(),
  to: z.string().optional(),
  response: z.object({ statusCode: z.number() }).optional(),
});
type LogItem = z.infer<typeof logItemSchema>;

/** A bot message as the Playground streamed it: posted ('createMessage') or edited ('updateMessage'). */
export interface StreamMessage {
  seq: number;
  action: 'createMessage' | 'updateMessage';
  /** The stream's actionConversationId: a channel's id (not the thread's) for a thread's first message. */
  conversationId: string;
  messageId: string;
  text?: string;
  attachments: Attachment[];
  /** Set when the bot started a new channel thread: the thread's conversation id. */
  postConversationId?: string;
}

export interface PressOptions {
  /** Merged over the button's data (the card's inputs). */
  inputs?: Record<string, unknown>;
  /** Another user of the conversation (the Playground honours `from` on invokes); default the current user. */
  as?: string;
  /** The card the button is on, when it is not the message's (a user's own view, from an invoke answer). */
  card?: InvokeResponse;
}

export interface WaitOptions {
  /** Only look at messages with seq >= since (see `cursor()`); default: every message so far. */
  since?: number;
}

export interface Playground {
  /** The web UI, for test/helpers/browser.ts. */
  url: string;
  /** Conversation ids: the personal chat, the first group chat, and the first team's General channel. */
  personal: string;
  groupChat: string;
  channel: string;
  /** The seq the next message will get: pass it as `since` to ignore what came before. */
  cursor(): number;
  /** Send as the current user; outside the personal chat the text @mentions the bot, or the bot never gets it. */
  sendMessage(conversationId: string, text: string): Promise<void>;
  /**
   * Press a card's Action.Execute button as the current user, `inputs` merged over its data, and return the
   * bot's invoke response. Pass the message as waitForMessage returned it: an edit of a thread's first message
   * names the channel, not the thread.
   */
  pressButton(message: StreamMessage, title: string, options?: PressOptions): Promise<InvokeResponse>;
  /** The Playground's users: 0 is the current user (Alex Wilber), 1…5 the others (Megan Bowen, Adele Vance, …). */
  users: { id: string; name: string; aadObjectId: string }[];
  waitForMessage(predicate: (message: StreamMessage) => boolean, timeoutMs?: number, options?: WaitOptions): Promise<StreamMessage>;
  waitForUpdate(messageId: string, predicate: (message: StreamMessage) => boolean, timeoutMs?: number): Promise<StreamMessage>;
  stop(): Promise<void>;
}

interface Waiter {
  matches: (message: StreamMessage) => boolean;
  since: number;
  resolve: (message: StreamMessage) => void;
  reject: (error: Error) => void;
}

export async function startPlayground(options: { botEndpoint: string }): Promise<Playground> {
  const port = await getFreePort();
  const logFile = path.join(mkdtempSync(path.join(tmpdir(), 'playground-')), 'playground.log');
  const proc = spawnPlayground({ botEndpoint: options.botEndpoint, port, logFile, cwd: process.cwd() });
  // If the test process dies without stop(), do not leave a Playground behind.
  const onExit = (): void => proc.killGroup('SIGKILL');
  process.once('exit', onExit);
  const base = `http://127.0.0.1:${port}`;
  let driver: Driver | undefined;
  try {
    const listening = await waitForListening(proc, START_TIMEOUT_MS);
    if (listening !== port) {
      throw new Error(`startPlayground: asked for port ${port} but the Playground took ${listening} (port ${port} was taken meanwhile)`);
    }
    await expectPong(base);
    const config = testConfigSchema.parse((await httpJson('GET', base, '/_internal/v1/testConfig')).config);
    driver = new Driver(base, port, logFile, config, proc, () => process.removeListener('exit', onExit));
    await driver.connect();
    return driver.api();
  } catch (error) {
    driver?.terminateSockets();
    proc.killGroup('SIGKILL');
    process.removeListener('exit', onExit);
    throw new Error(`${(error as Error).message}\n--- Playground output ---\n${proc.output()}\n(log: ${logFile})`, { cause: error });
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
  if (res.status !== 200 || !isRecord(parsed)) throw new Error(`Playground ${method} ${urlPath} answered ${res.status}: ${JSON.stringify(parsed)}`);
  return parsed;
}

class Driver {
  private readonly messages: StreamMessage[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly logs: LogItem[] = [];
  private readonly sockets: WebSocket[] = [];
  private failure: Error | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly base: string,
    private readonly port: number,
    private readonly logFile: string,
    private readonly config: PlaygroundConfig,
    private readonly proc: PlaygroundProcess,
    private readonly forgetExitHook: () => void,
  ) {
    proc.child.once('exit', (code, signal) => this.fail(new Error(`the Playground process exited (code ${code}, signal ${signal})`)));
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
      personal: this.config.personalChat.id,
      groupChat: groupChat.id,
      channel: channel.id,
      cursor: () => this.messages.length,
      sendMessage: (c, t) => this.sendMessage(c, t),
      pressButton: (m, t, o) => this.pressButton(m, t, o),
      users: [this.config.currentUser, ...this.config.users],
      waitForMessage: (p, t, o) => this.waitFor((m) => m.action === 'createMessage' && p(m), t, o?.since),
      waitForUpdate: (id, p, t) => this.waitFor((m) => m.action === 'updateMessage' && m.messageId === id && p(m), t),
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
    if (parsed.action === 'typing') return;
    const message: StreamMessage = { seq: this.messages.length, action: parsed.action, conversationId: parsed.actionConversationId, ...parsed.message };
    this.messages.push(message);
    for (const waiter of this.waiters) {
      if (message.seq < waiter.since) continue;
      // A throwing predicate fails its own wait, not the stream.
      try {
        if (waiter.matches(message)) waiter.resolve(message);
      } catch (error) {
        waiter.reject(error as Error);
      }
    }
  }

  private waitFor(predicate: (message: StreamMessage) => boolean, timeoutMs = DEFAULT_WAIT_MS, since = 0): Promise<StreamMessage> {
    let found: StreamMessage | undefined;
    try {
      found = this.messages.find((m) => m.seq >= since && predicate(m));
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
        resolve: (m) => {
          done();
          resolve(m);
        },
        reject: (err) => {
          done();
          reject(err);
        },
      };
      const timer = setTimeout(
        () => waiter.reject(new Error(`Timed out after ${timeoutMs} ms waiting for a Playground message; messages since ${since}:\n${this.describe(since)}`)),
        timeoutMs,
      );
      this.waiters.add(waiter);
    });
  }

  private describe(since: number): string {
    const lines = this.messages
      .slice(since)
      .slice(-15)
      .map((m) => `#${m.seq} ${m.action} ${m.messageId} in ${m.conversationId}: ${messageText(m).slice(0, 160)}`);
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

  private async sendMessage(conversationId: string, text: string): Promise<void> {
    const { bot } = this.config;
    const mention = `<at>${bot.name}</at>`;
    const mentionBot = conversationId !== this.config.personalChat.id;
    // The Playground answers before the bot is called: a bot that fails shows only in the wire log.
    await httpJson('POST', this.base, `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, {
      from: { id: this.config.currentUser.id },
      text: mentionBot ? `${mention} ${text}` : text,
      textFormat: 'plain',
      mentions: mentionBot ? [{ mentioned: { id: bot.id }, text: mention }] : undefined,
    });
  }

  private async pressButton(message: StreamMessage, title: string, options: PressOptions = {}): Promise<InvokeResponse> {
    const inputs = options.inputs ?? {};
    const card = cardOf(options.card ?? message);
    const actions = card ? cardActions(card) : [];
    const action = actions.find((a) => a.title === title);
    if (action?.type !== 'Action.Execute') {
      const buttons = card ? actions.map((a) => `${a.title} (${a.type})`).join(', ') : '(no card)';
      throw new Error(`Playground: message ${message.messageId} has no Action.Execute button "${title}"; buttons: ${buttons}`);
    }
    // In a channel the invoke goes to the thread, not to the channel.
    const conversationId = message.postConversationId ?? message.conversationId;
    const res = await httpJson('POST', this.base, '/_conversation/v1/invoke', {
      name: 'adaptiveCard/action',
      from: { id: options.as ?? this.config.currentUser.id },
      conversation: { id: conversationId },
      replyToId: message.messageId,
      value: {
        // As a Teams client does: the card's inputs come along unless the button says `none`.
        action: {
          type: 'Action.Execute',
          verb: String(action.verb ?? ''),
          data: { ...(action.associatedInputs === 'none' || !card ? {} : cardInputs(card)), ...(isRecord(action.data) ? action.data : {}), ...inputs },
        },
        trigger: 'manual',
      },
    });
    return z.object({ type: z.string(), value: z.unknown() }).parse(res);
  }

  private stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.terminateSockets();
      for (const waiter of this.waiters) waiter.reject(new Error('the Playground was stopped'));
      const { child, killGroup } = this.proc;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
      // Children that outlived the CLI share its group: make sure none survive.
      killGroup('SIGKILL');
      this.forgetExitHook();
    })();
    return this.stopping;
  }
}
