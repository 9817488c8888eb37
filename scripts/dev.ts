/**
 * `npm run dev`: the whole product on this machine, no accounts needed.
 * Starts the Live Platform sandbox, a stand-in for Microsoft's tenant lookup, the bot (local
 * anonymous mode, dev data in .dev-data/) and the Microsoft 365 Agents Playground, prints the one
 * URL to open, and stops everything on Ctrl-C.
 */
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../src/config';
import { startBot } from '../src/main';
import { createLoginStandin, TEST_TENANTS } from '../src/sandbox/login-standin';
import { createUmpSandbox } from '../src/sandbox/ump-sandbox';
import { PlaygroundProcess, spawnPlayground, waitForListening } from './playground-process';

const HELP = `Usage: npm run dev -- [options]

  --mode <m>           how the sandbox reports progress: poll | sync | task (default poll)
  --step-ms <n>        time between deployment steps (default 2500)
  --real-tenant-lookup check tenants against https://login.microsoftonline.com (needs internet)
  --bot-port <n>       default 3978      --playground-port <n>  default 56150
  --sandbox-port <n>   default 4010      --login-port <n>       default 4011
  --data-dir <dir>     where requests and the dev-only key are kept (default .dev-data)
  --no-playground      start everything but the Playground
  --help               this text`;

const ROOT = path.join(__dirname, '..');
/** Entra object id of the Playground's current user, Alex Wilber (fixed: docs/playground-driving.md). */
const PLAYGROUND_CURRENT_USER = '00000000-0000-0000-0000-0000000000020';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, () => s.close(() => resolve(true)));
  });
}

async function startPlayground(botEndpoint: string, port: number, logFile: string): Promise<PlaygroundProcess> {
  const pg = spawnPlayground({ botEndpoint, port, logFile, cwd: ROOT });
  try {
    const listening = await waitForListening(pg, 60_000);
    if (listening !== port) throw new Error(`the Playground took port ${listening} instead of ${port}`);
    return pg;
  } catch (err) {
    pg.killGroup('SIGKILL');
    throw new Error(`${(err as Error).message}\n${pg.output()}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string', default: 'poll' },
      'step-ms': { type: 'string', default: '2500' },
      'real-tenant-lookup': { type: 'boolean', default: false },
      'bot-port': { type: 'string', default: '3978' },
      'playground-port': { type: 'string', default: '56150' },
      'sandbox-port': { type: 'string', default: '4010' },
      'login-port': { type: 'string', default: '4011' },
      'data-dir': { type: 'string', default: path.join(ROOT, '.dev-data') },
      'no-playground': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  const mode = values.mode as 'poll' | 'sync' | 'task';
  if (!['poll', 'sync', 'task'].includes(mode)) throw new Error(`--mode must be poll, sync or task\n\n${HELP}`);
  const ports = {
    bot: Number(values['bot-port']),
    playground: Number(values['playground-port']),
    sandbox: Number(values['sandbox-port']),
    login: Number(values['login-port']),
  };
  for (const [name, port] of Object.entries(ports)) {
    if (!(await portFree(port))) throw new Error(`port ${port} (${name}) is in use: stop what runs there, or pass --${name}-port`);
  }

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const sandbox = createUmpSandbox({ mode, stepMs: Number(values['step-ms']) });
    const sb = await sandbox.start(ports.sandbox);
    stops.push(() => sb.close());
    let authority = 'https://login.microsoftonline.com';
    if (!values['real-tenant-lookup']) {
      const login = await createLoginStandin().start(ports.login);
      stops.push(() => login.close());
      authority = login.url;
    }
    const config = loadConfig({
      LOG_LEVEL: process.env.LOG_LEVEL,
      LOG_FORMAT: process.env.LOG_FORMAT,
      DEV_MODE: 'true',
      PORT: String(ports.bot),
      DATA_DIR: values['data-dir'],
      ...sb.botSettings,
      UMP_POLL_INTERVAL_MS: '1000',
      ENTRA_AUTHORITY: authority,
      // The Playground's web UI is always Alex Wilber, with no user switcher: to try the approval flow
      // alone, Alex is an approver here and may approve their own requests (the card says so). The
      // bot's own defaults stay four-eyes.
      APPROVERS: PLAYGROUND_CURRENT_USER,
      ALLOW_SELF_APPROVAL: 'true',
    });
    const bot = await startBot(config);
    stops.push(() => bot.stop());
    let url = `${bot.server.url}/api/messages (no Playground)`;
    if (!values['no-playground']) {
      const pg = await startPlayground(`${bot.server.url}/api/messages`, ports.playground, path.join(values['data-dir']!, 'playground.log'));
      stops.push(async () => pg.killGroup('SIGTERM'));
      // It runs in its own process group: take it down however this process ends.
      process.once('exit', () => pg.killGroup('SIGKILL'));
      url = `http://localhost:${ports.playground}`;
    }
    const t = TEST_TENANTS;
    console.log(`
  Ready. Open ${url} and type  new  in the Personal Chat.
  In My Team - General (mention the bot: @Test Bot new) requests wait for approval: you are an
  approver here and may approve your own (click Show my actions on the card, then Approve).

  Live Platform sandbox  ${sb.url}  (${mode} mode, ${values['step-ms']} ms per step; short names "fail…" fail at the SBC step)
  Tenants                ${values['real-tenant-lookup'] ? 'checked with Microsoft' : `${t.contoso.domain}, ${t.fabrikam.domain} exist; ${t.missing.domain} does not; ${t.outage.domain} cannot be verified`}
  Bot                    ${bot.server.url}/api/messages  (anonymous, data in ${path.relative(ROOT, values['data-dir']!) || '.'})
  Press Ctrl-C to stop everything.
`);
    const onSignal = () => {
      void stopAll().then(() => process.exit(0));
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, onSignal);
  } catch (err) {
    await stopAll();
    throw err;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `npm run dev failed: ${(err as Error).message}`);
  process.exit(1);
});
