import { createLoginStandin, LoginStandin, RunningLoginStandin, TEST_TENANTS } from '../../src/sandbox/login-standin';
import { createUmpSandbox, RunningSandbox, UmpSandbox, UmpSandboxOptions } from '../../src/sandbox/ump-sandbox';
import { actionExecuteInvoke, actionSubmit, channelMention, groupChatMention, personalMessage, TestUser, Where } from './activities';
import { startTestBot, TestBot } from './bot-harness';
import { systemClock, type Clock } from '../../src/clock';
import { FakeConnector, RecordedCall, startFakeConnector } from './fake-connector';

/**
 * Everything the bot talks to, as real local servers: the Live Platform sandbox, the stand-in for
 * Microsoft's login endpoint and a stub Bot Connector; plus the bot itself, wired to them.
 */
export interface World {
  sandbox: UmpSandbox;
  sandboxRun: RunningSandbox;
  login: LoginStandin;
  loginRun: RunningLoginStandin;
  connector: FakeConnector;
  bot: TestBot;
  env: Record<string, string>;
  /** Sends `new …` where asked and returns the form card and the id of the message that carries it. */
  openForm(text?: string, where?: Where, user?: Partial<TestUser>): Promise<{ formId: string; card: Record<string, unknown>; conversationId: string }>;
  /** Clicks "Create customer" (Action.Execute) on the form message; returns the invoke response body. */
  submit(
    formId: string,
    data: Record<string, unknown>,
    opts?: { where?: Where; conversationId?: string; user?: Partial<TestUser>; via?: 'execute' | 'submit' },
  ): Promise<InvokeAnswer>;
  /** Waits until the card of message `formId` was edited to contain `text`. */
  waitForCard(formId: string, text: string | RegExp, timeoutMs?: number): Promise<RecordedCall>;
  /** Creates sent to the sandbox so far. */
  creates(): number;
  restartBot(): Promise<void>;
  stop(): Promise<void>;
}

export interface InvokeAnswer {
  status: number;
  body: { statusCode?: number; type?: string; value?: unknown };
}

export const VALID_FORM = {
  shortName: 'Acme01',
  fullName: 'Acme Corporation',
  msTenantId: 'contoso.onmicrosoft.com',
  ovocCustomerType: 'IPGROUP_TYPE',
  sbcId: '5',
  sbcOnboardingScript: '7',
  sbcCleanupScript: 'auto',
  CarrierUserName: 'acme-trunk',
  CarrierUserPassword: 'Pa55-Carrier-Secret!',
  'CustomVar.Variable1': 'SIPTrunk',
};

/** Live Platform refuses a second customer for one Microsoft tenant: each test takes its own. */
export const EXTRA_TENANTS: Record<string, string> = {
  'contoso.onmicrosoft.com': TEST_TENANTS.contoso.guid,
  'fabrikam.onmicrosoft.com': TEST_TENANTS.fabrikam.guid,
};
for (let i = 1; i <= 60; i++) EXTRA_TENANTS[`tenant${i}.onmicrosoft.com`] = `7e57${String(i).padStart(4, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`;
let tenantCounter = 0;
export function nextTenant(): string {
  tenantCounter = (tenantCounter % 60) + 1;
  return `tenant${tenantCounter}.onmicrosoft.com`;
}

/** The real clock, shifted by what a test adds to `offsetMs` (limits that recover after a minute or an hour). */
export function shiftableClock(): Clock & { offsetMs: number } {
  const c = {
    offsetMs: 0,
    now: () => new Date(Date.now() + c.offsetMs),
    sleep: systemClock.sleep,
  };
  return c;
}

/** A valid form for a fresh customer: unique short name and tenant. */
export function validForm(shortName: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...VALID_FORM, shortName, msTenantId: nextTenant(), ...over };
}

/** The bot settings that point it at a running sandbox and login stand-in. */
export function livePlatformEnv(run: RunningSandbox, loginUrl: string): Record<string, string> {
  return {
    ...run.botSettings,
    UMP_POLL_INTERVAL_MS: '20',
    ENTRA_AUTHORITY: loginUrl,
  };
}

export function cardJson(call: RecordedCall | undefined): string {
  return JSON.stringify(call?.body?.attachments?.[0]?.content ?? {});
}

/** What the bot talks to besides Teams: the Live Platform sandbox and the login stand-in. */
export interface Backends {
  sandbox: UmpSandbox;
  sandboxRun: RunningSandbox;
  login: LoginStandin;
  loginRun: RunningLoginStandin;
  /** The bot settings that point it at both. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startBackends(sandboxOptions: UmpSandboxOptions = {}): Promise<Backends> {
  const sandbox = createUmpSandbox({ stepMs: 30, mode: 'poll', ...sandboxOptions });
  const sandboxRun = await sandbox.start(0);
  const login = createLoginStandin({ tenants: EXTRA_TENANTS });
  const loginRun = await login.start(0);
  return {
    sandbox,
    sandboxRun,
    login,
    loginRun,
    env: livePlatformEnv(sandboxRun, loginRun.url),
    async close() {
      await loginRun.close();
      await sandboxRun.close();
    },
  };
}

export async function startWorld(opts: { sandbox?: UmpSandboxOptions; env?: Record<string, string>; dataDir?: string; clock?: Clock } = {}): Promise<World> {
  const backends = await startBackends(opts.sandbox);
  const { sandbox, sandboxRun, login, loginRun } = backends;
  const connector = await startFakeConnector();
  const env: Record<string, string> = {
    ...backends.env,
    TENANT_TIMEOUT_MS: '1000',
    ...(opts.dataDir ? { DATA_DIR: opts.dataDir } : {}),
    ...opts.env,
  };
  let bot = await startTestBot(env, { clock: opts.clock });
  env.DATA_DIR = bot.dataDir;

  const build = (where: Where, text: string, user?: Partial<TestUser>, conversationId?: string) => {
    const o = { serviceUrl: connector.url, user, conversationId };
    if (where === 'channel') return channelMention(text, o);
    if (where === 'groupChat') return groupChatMention(text, o);
    return personalMessage(text, o);
  };

  const world: World = {
    sandbox,
    sandboxRun,
    login,
    loginRun,
    connector,
    get bot() {
      return bot;
    },
    env,
    async openForm(text = 'new', where = 'personal', user) {
      const before = connector.sent.length;
      const activity = build(where, text, user);
      const res = await bot.post(activity);
      if (res.status !== 200) throw new Error(`new answered ${res.status}`);
      const call = await connector.waitFor((x) => connector.sent.indexOf(x) >= before && !!x.body?.attachments && x.kind !== 'edit', 5000);
      return { formId: call.responseId!, card: call.body!.attachments![0].content as Record<string, unknown>, conversationId: call.conversationId };
    },
    async submit(formId, data, o = {}) {
      const where = o.where ?? 'personal';
      const base = { serviceUrl: connector.url, replyToId: formId, where, user: o.user, conversationId: o.conversationId };
      const activity =
        o.via === 'submit'
          ? actionSubmit({ verb: 'customer.create', ...data }, base)
          : actionExecuteInvoke('customer.create', { verb: 'customer.create', ...data }, base);
      return (await bot.post(activity)) as InvokeAnswer;
    },
    waitForCard(formId, text, timeoutMs = 10_000) {
      const match = (s: string) => (typeof text === 'string' ? s.includes(text) : text.test(s));
      return connector.waitFor((x) => x.kind === 'edit' && x.activityId === formId && match(cardJson(x)), timeoutMs);
    },
    creates() {
      return sandbox.requests().filter((r) => r.route === 'createCustomer').length;
    },
    async restartBot() {
      await bot.stop();
      bot = await startTestBot(env, { clock: opts.clock });
    },
    async stop() {
      await bot.stop();
      await connector.close();
      await backends.close();
    },
  };
  return world;
}
