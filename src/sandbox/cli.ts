import { parseArgs } from 'node:util';
import { z } from 'zod/v4';
import { createUmpSandbox, SANDBOX_DEFAULTS, type RecordedRequest } from './ump-sandbox';

/** `npm run sandbox -- [options]`: a local Live Platform for `npm run dev` and for evaluation. */

const HELP = `Usage: npm run sandbox -- [options]

  --port <n>          port to listen on (default ${SANDBOX_DEFAULTS.port}; 0 = any free port)
  --host <addr>       interface to bind (default 127.0.0.1)
  --mode <m>          progress style: poll | sync | task (default poll)
  --step-ms <n>       time between deployment steps (default 2000)
  --slow-ms <n>       how long "slow..." short names hold the create answer (default 5000)
  --casing <c>        documented | drifted key casing in answers (default documented)
  --token-ttl <sec>   lifetime of issued tokens (default 3599)
  --quiet             do not print each request
  --help              this text`;

const optionsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(SANDBOX_DEFAULTS.port),
  host: z.string().default('127.0.0.1'),
  mode: z.enum(['poll', 'sync', 'task']).default('poll'),
  stepMs: z.coerce.number().int().min(0).default(2000),
  slowMs: z.coerce.number().int().min(0).default(5000),
  casing: z.enum(['documented', 'drifted']).default('documented'),
  tokenTtlSec: z.coerce.number().int().min(1).default(3599),
  quiet: z.boolean().default(false),
});

function printRequest(r: RecordedRequest): void {
  const time = new Date(r.at).toISOString().slice(11, 23);
  const extra = [r.route, r.fault && `fault: ${r.fault}`, r.clientGone && 'client gave up'].filter(Boolean).join(', ');
  console.log(`${time}  ${r.method.padEnd(6)} ${r.path}  → ${r.status === 0 ? 'dropped' : r.status}  (${extra})`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      mode: { type: 'string' },
      'step-ms': { type: 'string' },
      'slow-ms': { type: 'string' },
      casing: { type: 'string' },
      'token-ttl': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const parsed = optionsSchema.safeParse({
    port: values.port,
    host: values.host,
    mode: values.mode,
    stepMs: values['step-ms'],
    slowMs: values['slow-ms'],
    casing: values.casing,
    tokenTtlSec: values['token-ttl'],
    quiet: values.quiet,
  });
  if (!parsed.success) {
    console.error(`Invalid options:\n${parsed.error.issues.map((i) => `  --${String(i.path[0])}: ${i.message}`).join('\n')}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  const o = parsed.data;
  const sandbox = createUmpSandbox({
    mode: o.mode,
    stepMs: o.stepMs,
    slowMs: o.slowMs,
    casing: o.casing,
    tokenTtlSec: o.tokenTtlSec,
    onRequest: o.quiet ? undefined : printRequest,
  });
  const running = await sandbox.start(o.port, o.host);
  console.log(`Live Platform sandbox listening on ${running.url} (mode ${o.mode}, ${o.stepMs} ms per step)

Point the bot at it (.env):
${Object.entries(running.botSettings)
  .map(([k, v]) => `  ${k}=${v}`)
  .join('\n')}

Seeded: customers ExistingCo, FabrikamVoice, NorthwindTel, BrokenCo (failed), HiddenCo (not listed: only a create finds it); SBC ids 5, 6, 7;
channels 12, 13, 14; Live Platform customers 79192, 80001, 80002; 28 script templates
(e.g. onboarding 7 "sbc-scenario7" with cleanup 700).

Short names beginning "fail..." fail at the SBC step; "slow..." hold the create answer ${o.slowMs} ms.
Control:
  curl ${running.url}/_sandbox/requests
  curl -X POST ${running.url}/_sandbox/config -H 'Content-Type: application/json' -d '{"mode":"task","stepMs":500}'
  curl -X POST ${running.url}/_sandbox/config -H 'Content-Type: application/json' \\
       -d '{"faults":[{"kind":"status","status":503,"retryAfterSec":2,"count":2,"match":"GET /api/v3/customer"}]}'
  curl -X POST ${running.url}/_sandbox/reset
Press Ctrl+C to stop.
`);
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
