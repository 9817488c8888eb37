/**
 * Drives the Playground's web UI in Debian's chromium through playwright-core, for the few
 * end-to-end checks that need what a person sees (card rendering, client-side validation).
 * Never `npx playwright install`: there is no internet; scripts/ensure-chromium.sh installs the browser.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
// Offline, headless, on 2 cores: no GPU, no QUIC, no background fetches that would only time out.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const FIRST_LOAD_TIMEOUT_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 15_000;
const THREAD_HOLD_MS = 3_000;

/** The chat list's accessible names for the default Playground config. */
export type ChatName = 'Personal Chat' | 'Group Chat' | 'My Team - General' | 'My Team - Announcements' | (string & {});

export interface LaunchBrowserOptions {
  /** Where screenshots go; default ./test-artifacts (git-ignored). */
  artifactsDir?: string;
  viewport?: { width: number; height: number };
}

export interface SendOptions {
  mentionBot?: boolean;
  /** The bot's display name for the mention; default the Playground's "Test Bot". */
  botName?: string;
  /** Channels only: reply in the thread that contains this text instead of starting a new post. */
  thread?: string | RegExp;
}

export interface PlaygroundBrowser {
  context: BrowserContext;
  page: Page;
  artifactsDir: string;
  /** Load the Playground UI and wait until its chat list shows (the first load takes 5–9 s on 2 cores). */
  open(url: string): Promise<void>;
  selectChat(name: ChatName): Promise<void>;
  /**
   * Type into the compose box and send; `mentionBot` picks "@<bot>" from the typeahead first.
   * In a channel this starts a new post, or replies in the thread containing `thread` (text or RegExp).
   */
  sendMessage(text: string, options?: SendOptions): Promise<void>;
  /** The last rendered Adaptive Card containing `text`, once it is visible. */
  lastCard(text: string | RegExp, timeoutMs?: number): Promise<Locator>;
  /** Fill a card input found by its label (or, failing that, its placeholder). */
  fillTextbox(card: Locator, label: string, value: string): Promise<void>;
  clickButton(card: Locator, name: string | RegExp): Promise<void>;
  /**
   * PNG of the page (or of `target`, e.g. a card) in artifactsDir; returns its path. The chat pane scrolls
   * inside the page, so a whole-page shot shows only the newest messages: pass the card to see one fully.
   */
  screenshot(name: string, target?: Locator): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<PlaygroundBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`launchBrowser: ${CHROMIUM_PATH} is missing; run scripts/ensure-chromium.sh (as root)`);
  }
  const artifactsDir = path.resolve(options.artifactsDir ?? 'test-artifacts');
  mkdirSync(artifactsDir, { recursive: true });
  // A fresh profile per run: no cached UI state or service worker from an earlier Playground.
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1400, height: 900 },
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  context.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
  let page: Page;
  try {
    page = context.pages()[0] ?? (await context.newPage());
    await holdRepliesToUnknownThreads(page);
  } catch (error) {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const editorSelector = '[data-lexical-editor="true"][role="textbox"]';
  // A channel shows a "new post" card with a Post button, and one card (role group) per thread with its own reply box.
  const composer = async (thread: string | RegExp | undefined): Promise<Locator> => {
    if (thread !== undefined) {
      return page
        .getByRole('group')
        .filter({ has: page.getByRole('button', { name: 'Send Message' }) })
        .filter({ hasText: thread })
        .last();
    }
    const newPost = page.getByRole('group').filter({ has: page.getByRole('button', { name: 'Post', exact: true }) });
    return (await newPost.count()) > 0 ? newPost.first() : page.locator('body');
  };
  let closing: Promise<void> | undefined;

  return {
    context,
    page,
    artifactsDir,
    async open(url) {
      await page.goto(url, { timeout: FIRST_LOAD_TIMEOUT_MS });
      await page.getByRole('treeitem', { name: 'Personal Chat' }).waitFor({ timeout: FIRST_LOAD_TIMEOUT_MS });
    },
    async selectChat(name) {
      await page.getByRole('treeitem', { name, exact: true }).click();
      await page.locator(editorSelector).first().waitFor();
    },
    async sendMessage(text, { mentionBot = false, botName = 'Test Bot', thread } = {}) {
      const scope = await composer(thread);
      const box = scope.locator(editorSelector).first();
      await box.click();
      if (mentionBot) {
        await box.pressSequentially(`@${botName.split(' ')[0]}`);
        await page.getByRole('listbox', { name: 'Typeahead menu' }).getByRole('menuitem', { name: botName }).click();
        await box.pressSequentially(' ');
      }
      await box.pressSequentially(text);
      // "Send Message" in chats and thread replies, "Post" for a new channel post.
      await scope
        .getByRole('button', { name: /^(Send Message|Post)$/ })
        .first()
        .click();
    },
    async lastCard(text, timeoutMs = DEFAULT_TIMEOUT_MS) {
      const card = page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();
      await card.waitFor({ state: 'visible', timeout: timeoutMs });
      return card;
    },
    async fillTextbox(card, label, value) {
      const candidates = [
        card.getByRole('textbox', { name: label, exact: true }),
        // After a failed validation the input's accessible name is its label followed by the error message.
        card.getByRole('textbox', { name: new RegExp(`^${escapeRegExp(label)}\\s`) }),
        card.getByPlaceholder(label, { exact: true }),
      ];
      for (const input of candidates) {
        if ((await input.count()) > 0) return input.fill(value);
      }
      throw new Error(`fillTextbox: no textbox labelled or with placeholder "${label}" in the card:\n${await card.ariaSnapshot()}`);
    },
    async clickButton(card, name) {
      await card.getByRole('button', { name, exact: typeof name === 'string' }).click();
    },
    async screenshot(name, target) {
      const file = path.join(artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
      if (target) await target.screenshot({ path: file });
      else await page.screenshot({ path: file });
      return file;
    },
    close() {
      closing ??= context.close().finally(() => rmSync(userDataDir, { recursive: true, force: true }));
      return closing;
    },
  };
}

/**
 * Works around a race in the Playground UI: it learns a new channel post's thread id only from the answer to
 * its own POST, so a bot reply that reaches the page over the WebSocket first is dropped for good (console:
 * "Saga error: Invalid conversation id team-id;messageid=…"). Stream frames for a thread the page cannot
 * know yet are held back, with everything behind them to keep the order, until that POST has finished
 * (or THREAD_HOLD_MS passed, e.g. for a thread started through the HTTP API, which the UI never shows).
 */
async function holdRepliesToUnknownThreads(page: Page): Promise<void> {
  const known = new Set<string>();
  page.on('requestfinished', (request) => {
    if (request.method() !== 'POST' || !/\/_conversation\/v1\/conversations\/[^/]+\/messages$/.test(new URL(request.url()).pathname)) return;
    request
      .response()
      .then((response) => response?.json())
      .then((body: unknown) => {
        const thread = isRecord(body) ? body.postConversationId : undefined;
        // Give the page a moment to store the post before its replies arrive.
        if (typeof thread === 'string') setTimeout(() => known.add(thread), 100);
      })
      .catch(() => undefined);
  });
  await page.routeWebSocket(/\/_ws_conversation\/v1\/conversations\/stream$/, (ws) => {
    const server = ws.connectToServer();
    const queue: { frame: string | Buffer; at: number }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = (): void => {
      clearTimeout(timer);
      while (queue[0]) {
        const { frame, at } = queue[0];
        const event = parseFrame(frame);
        const thread = event?.action === 'createMessage' ? event.actionConversationId : undefined;
        if (thread?.includes(';messageid=') && !known.has(thread) && Date.now() - at < THREAD_HOLD_MS) {
          timer = setTimeout(flush, 25);
          return;
        }
        if (typeof event?.postConversationId === 'string') known.add(event.postConversationId);
        queue.shift();
        ws.send(frame);
      }
    };
    server.onMessage((frame) => {
      queue.push({ frame, at: Date.now() });
      flush();
    });
  });
}

function parseFrame(frame: string | Buffer): { action?: unknown; actionConversationId?: string; postConversationId?: unknown } | undefined {
  try {
    const json: unknown = JSON.parse(String(frame));
    if (!isRecord(json)) return undefined;
    const message = isRecord(json.message) ? json.message : {};
    return {
      action: json.action,
      actionConversationId: typeof json.actionConversationId === 'string' ? json.actionConversationId : undefined,
      postConversationId: message.postConversationId,
    };
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Launch chromium and load the Playground UI at `url` (a `Playground.url`); close() it when done. */
export async function openPlayground(url: string, options: LaunchBrowserOptions = {}): Promise<PlaygroundBrowser> {
  const browser = await launchBrowser(options);
  try {
    await browser.open(url);
  } catch (error) {
    await browser.close();
    throw error;
  }
  return browser;
}
