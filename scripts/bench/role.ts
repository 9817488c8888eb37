/**
 * One process of the benchmark: `node --import tsx scripts/bench/role.ts <role> '<json options>'`.
 * It starts its server on a free loopback port, reports `{ ready }` over IPC, answers the
 * benchmark's questions over IPC, and exits when the benchmark disconnects.
 */
import { createLoginStandin } from '../../src/sandbox/login-standin';
import { createUmpSandbox } from '../../src/sandbox/ump-sandbox';
import { startBenchConnector } from './bench-connector';
import { startEchoBot } from './echo-bot';
import { benchTenants } from './tenants';

type Handler = (call: string) => unknown;

async function start(role: string, o: Record<string, unknown>): Promise<{ ready: Record<string, unknown>; handle?: Handler }> {
  if (role === 'sandbox') {
    const sandbox = createUmpSandbox({ mode: 'poll', stepMs: Number(o.stepMs ?? 1000) });
    const run = await sandbox.start(0);
    return {
      ready: { url: run.url, botSettings: run.botSettings },
      handle: (call) =>
        call === 'customers'
          ? sandbox.customers()
          : call === 'counts'
            ? sandbox.requestCounts()
            : call === 'maxConcurrent'
              ? sandbox.maxConcurrentDeployments()
              : undefined,
    };
  }
  if (role === 'login') {
    const run = await createLoginStandin({ tenants: benchTenants(Number(o.tenants ?? 100)) }).start(0);
    return { ready: { url: run.url } };
  }
  if (role === 'connector') {
    const c = await startBenchConnector();
    return {
      ready: { url: c.url },
      handle: (call) => {
        if (call === 'edits') return c.edits();
        if (call === 'lastTitles') return Object.fromEntries(Object.entries(c.edits()).map(([id, list]) => [id, list[list.length - 1]?.title ?? '']));
        if (call === 'counts') return c.counts();
        if (call === 'reset') return (c.reset(), true);
        return undefined;
      },
    };
  }
  if (role === 'echo') {
    const bot = await startEchoBot(0);
    return { ready: { url: bot.url } };
  }
  throw new Error(`unknown role ${role}`);
}

const [role, options] = process.argv.slice(2);
start(role, JSON.parse(options ?? '{}') as Record<string, unknown>).then(
  ({ ready, handle }) => {
    process.on('message', (m: { call?: string; seq?: number }) => {
      if (typeof m?.call !== 'string' || !handle) return;
      process.send!({ seq: m.seq, result: handle(m.call) ?? null });
    });
    process.on('disconnect', () => process.exit(0));
    process.send!({ ready });
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
