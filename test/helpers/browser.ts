/**
 * Drives the Playground's web UI in a local Chromium or Chrome through playwright-core, for the few
 * end-to-end checks that need what a person sees (card rendering, client-side validation). The browser is
 * found by ./find-browser (CHROMIUM_PATH, then /usr/bin/chromium and the other usual places), the same
 * lookup `npm test`'s pretest (scripts/find-browser.ts) reports. Never `npx playwright install`: there is
 * no internet.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { findBrowser } from './find-browser';

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
const EDITOR = '[data-lexical-editor="true"][role="textbox"]';

export interface PlaygroundBrowser {
  /** Open a chat by its name in the chat list, e.g. 'Personal Chat' or 'Group Chat'. */
  selectChat(name: string): Promise<void>;
  /** Type into the open chat's compose box and send, as the current user (a chat: a channel posts with another button). */
  sendMessage(text: string): Promise<void>;
  /** In the open channel: a new post that @mentions the bot (picked from the typeahead), then `text`. */
  postMentioningBot(botName: string, text: string): Promise<void>;
  /** The last rendered Adaptive Card containing `text`, once it is visible. */
  lastCard(text: string | RegExp, timeoutMs?: number): Promise<Locator>;
  /** Fill a card input found by its label. */
  fillTextbox(card: Locator, label: string, value: string): Promise<void>;
  clickButton(card: Locator, title: string): Promise<void>;
  /**
   * PNG of `card` in test-artifacts/ (git-ignored); returns its path. A card, not the page: the chat pane
   * scrolls inside the page, so a whole-page shot shows only the newest messages.
   */
  screenshot(name: string, card: Locator): Promise<string>;
  close(): Promise<void>;
}

/**
 * Launch the browser and load the Playground UI at `url` (a `Playground.url`); close() it when done.
 * Without a browser it fails with a BrowserNotFoundError: one paragraph saying what to install or set.
 */
export async function openPlayground(url: string): Promise<PlaygroundBrowser> {
  const executablePath = findBrowser();
  const artifactsDir = path.resolve('test-artifacts');
  mkdirSync(artifactsDir, { recursive: true });
  // A fresh profile per run: no cached UI state or service worker from an earlier Playground.
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= context.close().finally(() => rmSync(userDataDir, { recursive: true, force: true })));
  context.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
  let page: Page;
  try {
    page = context.pages()[0] ?? (await context.newPage());
    // The first load takes 5–9 s on 2 cores.
    await page.goto(url, { timeout: FIRST_LOAD_TIMEOUT_MS });
    await page.getByRole('treeitem', { name: 'Personal Chat' }).waitFor({ timeout: FIRST_LOAD_TIMEOUT_MS });
  } catch (error) {
    await close();
    throw error;
  }

  return {
    async selectChat(name) {
      await page.getByRole('treeitem', { name, exact: true }).click();
      await page.locator(EDITOR).first().waitFor();
    },
    async sendMessage(text) {
      const box = page.locator(EDITOR).first();
      await box.click();
      await box.pressSequentially(text);
      await page.getByRole('button', { name: 'Send Message', exact: true }).first().click();
    },
    async postMentioningBot(botName, text) {
      const box = page.locator(EDITOR).first();
      await box.click();
      await box.pressSequentially(`@${botName.split(' ')[0]}`);
      await page
        .getByRole('listbox', { name: 'Typeahead menu' })
        .getByRole('menuitem', { name: new RegExp(escapeRegExp(botName)) })
        .click();
      await box.pressSequentially(` ${text}`);
      await page.getByRole('button', { name: 'Post', exact: true }).first().click();
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
      ];
      for (const input of candidates) {
        if ((await input.count()) > 0) return input.fill(value);
      }
      throw new Error(`fillTextbox: no textbox labelled "${label}" in the card:\n${await card.ariaSnapshot()}`);
    },
    async clickButton(card, title) {
      await card.getByRole('button', { name: title, exact: true }).click();
    },
    async screenshot(name, card) {
      const file = path.join(artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
      await card.screenshot({ path: file });
      return file;
    },
    close,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
