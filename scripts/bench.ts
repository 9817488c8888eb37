/**
 * `npm run bench`: how fast the bot answers, measured over real HTTP on this machine with the
 * Live Platform sandbox, the login stand-in and a stub Bot Connector. Prints figures; asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { createLoginStandin } from '../src/sandbox/login-standin';
import { createUmpSandbox } from '../src/sandbox/ump-sandbox';
import { actionExecuteInvoke, personalMessage } from '../test/helpers/activities';
import { startTestBot } from '../test/helpers/bot-harness';
import { startFakeConnector } from '../test/helpers/fake-connector';
import { livePlatformEnv, VALID_FORM } from '../test/helpers/world';

const N = Number(process.env.BENCH_N ?? 200);

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `n=${s.length}  p50=${q(0.5).toFixed(1)} ms  p95=${q(0.95).toFixed(1)} ms  max=${s[s.length - 1].toFixed(1)} ms`;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function main() {
  const sandbox = createUmpSandbox({ mode: 'poll', stepMs: 50, uniqueTenant: false });
  const sb = await sandbox.start(0);
  const tenants: Record<string, string> = {};
  for (let i = 0; i < N; i++) tenants[`bench${i}.onmicrosoft.com`] = `be0c0000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const login = await createLoginStandin({ tenants }).start(0);
  const connector = await startFakeConnector();
  const bot = await startTestBot({ ...livePlatformEnv(sb, login.url), LOG_LEVEL: 'warn', UMP_POLL_INTERVAL_MS: '200' });
  const serviceUrl = connector.url;

  // Warm-up: token, script list, customer list.
  await bot.post(personalMessage('new', { serviceUrl }));

  const help: number[] = [];
  for (let i = 0; i < N; i++) help.push(await time(() => bot.post(personalMessage('help', { serviceUrl }))));

  const form: number[] = [];
  for (let i = 0; i < Math.min(N, 100); i++) form.push(await time(() => bot.post(personalMessage('new', { serviceUrl }))));

  const submit: number[] = [];
  const count = Math.min(N, 100);
  for (let i = 0; i < count; i++) {
    const data = { ...VALID_FORM, shortName: `Bench${i}`, msTenantId: `bench${i}.onmicrosoft.com` };
    const activity = actionExecuteInvoke('customer.create', data, { serviceUrl, replyToId: `form-${i}` });
    submit.push(await time(() => bot.post(activity)));
  }
  const rss = process.memoryUsage().rss / 1024 / 1024;

  // Wait for the deployments to end so the figures include a busy runner.
  const deadline = Date.now() + 60_000;
  while (sandbox.customers().filter((c) => c.shortName.startsWith('Bench') && c.deploymentState === 'Deployed').length < count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  const deployed = sandbox.customers().filter((c) => c.shortName.startsWith('Bench') && c.deploymentState === 'Deployed').length;
  const creates = sandbox.requests().filter((r) => r.route === 'createCustomer').length;

  console.log(`help turn (HTTP round trip, reply sent)      ${stats(help)}`);
  console.log(`new: form with scripts (cached)              ${stats(form)}`);
  console.log(`submit: validated, stored, progress card     ${stats(submit)}`);
  console.log(`deployments finished ${deployed}/${count}, creates received ${creates}, card edits ${connector.edits().length}`);
  console.log(`bot process RSS after the submits            ${rss.toFixed(0)} MiB (bot, sandbox, stand-ins and connector share this process)`);

  await bot.stop();
  await connector.close();
  await login.close();
  await sb.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
