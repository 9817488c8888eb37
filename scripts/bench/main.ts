/**
 * `npm run bench`: how fast and how light the bot is, beside a bare echo bot on the same stack, each
 * in its own process on loopback (docs/benchmark.md). Prints a table and writes it, with the raw
 * figures, to bench/results/. Reports targets; asserts nothing (the smoke test checks that it runs
 * and that the correctness figures hold).
 *
 *   npm run bench                      the full run (about four minutes on 2 cores)
 *   npm run bench -- --scale smoke     seconds, tiny numbers (what npm test runs)
 *   BENCH_CPU_PROF=dir npm run bench   also writes the bot's CPU profiles (node --cpu-prof) to dir
 *   BENCH_HEAP_SNAPSHOT=dir …          and a heap snapshot of the bot with the load in flight
 *   BENCH_BOT_NODE_OPTIONS='--max-old-space-size=192' …   the bot runs with these V8 flags
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { actionExecuteInvoke, personalMessage, type TestUser } from '../../test/helpers/activities';
import { TEST_ENCRYPTION_KEY } from '../../test/helpers/bot-harness';
import { getFreePort } from '../../test/helpers/ports';
import { testPostgres } from '../../test/helpers/postgres';
import { VALID_FORM } from '../../test/helpers/world';
import { cardSummary, type ConnectorCounts, type EditRecord } from './bench-connector';
import { inParallel, postJson, sleep, stats } from './load';
import { buildForBench, ENTRY, startRole, startServerProcess, type BenchProcess } from './processes';
import { renderMarkdown, evaluateTargets, type BenchResults } from './report';
import { benchTenantDomain } from './tenants';

export interface Scale {
  name: 'full' | 'smoke';
  /** Scenario 1: concurrent users and clicks in all (plus a warm-up not counted). */
  users: number;
  clicks: number;
  warmup: number;
  /** Scenario 1: Live Platform step time (fast steps: deployments run while users click). */
  clickStepMs: number;
  /** Scenario 2: `help` messages per round, sent by `users` at once; rounds alternate bot and echo bot. */
  helpMessages: number;
  helpRounds: number;
  /** Scenario 3: deployments in flight at once, their step time (4 steps) and how many submit at once. */
  inflight: number;
  inflightStepMs: number;
  submitters: number;
  /** Scenario 5: starts of each process. */
  coldStarts: number;
  /** UMP_POLL_INTERVAL_MS of the bot (the product default unless a scale says otherwise). */
  pollMs: number;
  /** CARD_EDIT_MIN_INTERVAL_MS: the product default (1.5 s per chat) unless steps come faster than that. */
  editIntervalMs: number;
}

const SCALES: Record<Scale['name'], Scale> = {
  full: {
    name: 'full',
    users: 50,
    clicks: 2000,
    warmup: 100,
    clickStepMs: 1000,
    helpMessages: 2000,
    helpRounds: 3,
    inflight: 1000,
    inflightStepMs: 14_250,
    submitters: 50,
    coldStarts: 5,
    pollMs: 3000,
    editIntervalMs: 1500,
  },
  smoke: {
    name: 'smoke',
    users: 4,
    clicks: 16,
    warmup: 4,
    clickStepMs: 100,
    helpMessages: 40,
    helpRounds: 1,
    inflight: 12,
    inflightStepMs: 400,
    submitters: 4,
    coldStarts: 1,
    pollMs: 100,
    editIntervalMs: 100,
  },
};

const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';

const benchUser = (w: number): TestUser => ({
  id: `29:bench-user-${w}`,
  name: `Bench User ${w}`,
  aadObjectId: `b0000000-0000-4000-8000-${String(w).padStart(12, '0')}`,
});

interface Target {
  url: string;
  serviceUrl: string;
}

interface ClickRun {
  latencies: number[];
  failures: string[];
  /** formId → what its invoke answer showed, and the customer it is for. */
  cards: Map<string, { shortName: string; sig: string }>;
}

/**
 * `total` clicks on "Create customer", `users` at once, each on a form message of its own; by
 * default worker w is user w (its personal chat), `userOf` says otherwise. `target` may be chosen
 * per worker (several instances behind a load balancer).
 */
async function clickCreate(
  target: Target | ((w: number) => Target),
  users: number,
  total: number,
  prefix: string,
  tenantBase: number,
  userOf: (i: number, w: number) => TestUser = (_i, w) => benchUser(w),
): Promise<ClickRun> {
  const expected = prefix.startsWith('E') ? /^Fixed/ : /^(Creating|Deploying|Queued)/;
  const run: ClickRun = { latencies: [], failures: [], cards: new Map() };
  await inParallel(users, total, async (i, w) => {
    const t = typeof target === 'function' ? target(w) : target;
    // Short names are 3 to 15 characters.
    const shortName = `${prefix}${String(i).padStart(4, '0')}`;
    const formId = `form-${prefix}-${i}`;
    const data = { verb: 'customer.create', ...VALID_FORM, shortName, fullName: `Bench ${shortName}`, msTenantId: benchTenantDomain(tenantBase + i) };
    const a = await postJson(
      `${t.url}/api/messages`,
      actionExecuteInvoke('customer.create', data, { serviceUrl: t.serviceUrl, replyToId: formId, user: userOf(i, w) }),
    );
    const body = a.body as { statusCode?: number; type?: string; value?: unknown } | undefined;
    // The form coming back (with field errors, or a refusal) is a card too, but not a created request.
    if (a.status !== 200 || body?.statusCode !== 200 || body?.type !== CARD_TYPE || !expected.test(cardSummary(body.value).title)) {
      run.failures.push(`${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
      return;
    }
    run.latencies.push(a.ms);
    run.cards.set(formId, { shortName, sig: cardSummary(body.value).sig });
  });
  return run;
}

/** `total` `help` messages by `users` at once; the turn ends when the reply reached the connector. */
async function sendHelp(t: Target, users: number, total: number): Promise<{ latencies: number[]; failures: number; perSecond: number }> {
  const latencies: number[] = [];
  let failures = 0;
  const elapsed = await inParallel(users, total, async (_i, w) => {
    const a = await postJson(`${t.url}/api/messages`, personalMessage('help', { serviceUrl: t.serviceUrl, user: benchUser(w) }));
    if (a.status === 200) latencies.push(a.ms);
    else failures++;
  });
  return { latencies, failures, perSecond: Math.round((latencies.length / elapsed) * 1000 * 10) / 10 };
}

interface SandboxCustomer {
  shortName: string;
  deploymentState: string;
  startedAt: number;
  stepMs: number;
}

/** Waits until Live Platform has deployed every one of `names`; resolves with how many it has. */
async function waitForDeployed(sandbox: BenchProcess, names: Set<string>, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const customers = await sandbox.call<SandboxCustomer[]>('customers');
    const deployed = customers.filter((c) => names.has(c.shortName) && c.deploymentState === 'Deployed').length;
    if (deployed === names.size || Date.now() > deadline) return deployed;
    await sleep(500);
  }
}

/** Waits until every card shows its final state; resolves with how many did. */
async function waitForFinalCards(connector: BenchProcess, formIds: string[], timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const titles = await connector.call<Record<string, string>>('lastTitles');
    const finished = formIds.filter((id) => /^(Deployed|Failed)/.test(titles[id] ?? '')).length;
    if (finished === formIds.length || Date.now() > deadline) return finished;
    await sleep(500);
  }
}

/** Scenario 4 from one load run: edits per progress change, and how long a step took to reach its card. */
function efficiency(cards: ClickRun['cards'], edits: Record<string, EditRecord[]>, customers: SandboxCustomer[]) {
  const byName = new Map(customers.map((c) => [c.shortName, c]));
  let editCount = 0;
  let changes = 0;
  const redundant: string[] = [];
  let stepsSkipped = 0;
  const delays: number[] = [];
  for (const [formId, card] of cards) {
    const list = edits[formId] ?? [];
    editCount += list.length;
    let shown = card.sig;
    for (const [i, e] of list.entries()) {
      if (e.sig !== shown) changes++;
      else if (redundant.length < 5) redundant.push(`${card.shortName}: edit ${i + 1} of ${list.length} repeats "${e.title}" (${e.done} steps)`);
      shown = e.sig;
    }
    const c = byName.get(card.shortName);
    if (!c) continue;
    // Step 0 (tenant check) is done when the create is accepted; steps 1..4 come stepMs apart.
    for (let k = 1; k <= 4; k++) {
      const first = list.find((e) => e.done >= k + 1);
      if (!first) continue;
      delays.push(Math.max(0, first.at - (c.startedAt + k * c.stepMs)));
      if (first.done > k + 1) stepsSkipped++;
    }
  }
  return {
    edits: editCount,
    progressChanges: changes,
    editsPerChange: changes === 0 ? Number.NaN : Math.round((editCount / changes) * 1000) / 1000,
    /** Edits that showed nothing new, a few of them described. */
    redundantEdits: editCount - changes,
    redundantSamples: redundant,
    /** Steps that first appeared on the card together with a later one (coalesced). */
    stepsCoalesced: stepsSkipped,
    stepToCardMs: stats(delays),
  };
}

function botEnv(sandbox: BenchProcess, login: BenchProcess, scale: Scale, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...(sandbox.ready.botSettings as Record<string, string>),
    DEV_MODE: 'true',
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'ump-bench-')),
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ENTRA_AUTHORITY: String(login.ready.url),
    LOG_FORMAT: 'json',
    // An experiment's V8 flags for the bot (docs/benchmark.md), e.g. --max-old-space-size=192.
    ...(process.env.BENCH_BOT_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_BOT_NODE_OPTIONS } : {}),
    UMP_POLL_INTERVAL_MS: String(scale.pollMs),
    CARD_EDIT_MIN_INTERVAL_MS: String(scale.editIntervalMs),
    // The run's users click far more than a person would: the per-user limits would refuse them.
    CREATE_LIMIT_PER_HOUR: '0',
    COMMAND_LIMIT_PER_MINUTE: '0',
    // Raised for the run, so every deployment runs at once (the product default is 10).
    MAX_CONCURRENT_DEPLOYMENTS: String(Math.max(scale.inflight, scale.clicks) + scale.warmup + 10),
    ...extra,
  };
}

async function run(scale: Scale, log: (line: string) => void): Promise<BenchResults> {
  const started = Date.now();
  const cpuProf = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const stops: (() => Promise<void>)[] = [];
  const keep = (p: BenchProcess) => (stops.push(() => p.stop()), p);
  try {
    const tenants = scale.warmup * 3 + scale.clicks + scale.inflight + 10;
    const [login, connector] = await Promise.all([startRole('login', { tenants }), startRole('connector')]).then((ps) => ps.map(keep));
    const serviceUrl = String(connector.ready.url);

    // --- The echo bot: scenarios 1 and 2 on the bare stack.
    // --- Both bots up; each measured alone while the other idles.
    log('echo bot and bot: warm-up…');
    const echoPort = await getFreePort();
    const echo = keep((await startServerProcess('echo', ENTRY.echo, {}, echoPort)).proc);
    const echoTarget = { url: `http://127.0.0.1:${echoPort}`, serviceUrl };
    await clickCreate(echoTarget, scale.users, scale.warmup, 'EW', 0);
    await sendHelp(echoTarget, scale.users, Math.ceil(scale.helpMessages / 10));
    const sandbox1 = keep(await startRole('sandbox', { stepMs: scale.clickStepMs }));
    const botPort = await getFreePort();
    const bot1 = keep((await startServerProcess('bot', ENTRY.bot, botEnv(sandbox1, login, scale), botPort, cpuProf)).proc);
    const botTarget = { url: `http://127.0.0.1:${botPort}`, serviceUrl };
    // Warm-up: the form (scripts and customers cached), a few clicks (finished before anything is
    // measured, their cards included), a few messages.
    await postJson(`${botTarget.url}/api/messages`, personalMessage('new', { serviceUrl, user: benchUser(0) }));
    const warm = await clickCreate(botTarget, scale.users, scale.warmup, 'W', 0);
    await waitForFinalCards(connector, [...warm.cards.keys()], 60_000 + 20 * scale.pollMs);
    await sendHelp(botTarget, scale.users, Math.ceil(scale.helpMessages / 10));

    // --- Scenario 2: rounds taken in turns, so a slow moment of the machine hits both alike.
    log('messages, bot and echo bot in turns…');
    const echoRounds: Awaited<ReturnType<typeof sendHelp>>[] = [];
    const botRounds: Awaited<ReturnType<typeof sendHelp>>[] = [];
    for (let round = 0; round < scale.helpRounds; round++) {
      echoRounds.push(await sendHelp(echoTarget, scale.users, scale.helpMessages));
      botRounds.push(await sendHelp(botTarget, scale.users, scale.helpMessages));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const overRounds = (rounds: typeof botRounds) => ({
      perSecond: median(rounds.map((r) => r.perSecond)),
      latencies: rounds.flatMap((r) => r.latencies),
      failures: rounds.reduce((n, r) => n + r.failures, 0),
    });
    const echoHelp = overRounds(echoRounds);
    const botHelp = overRounds(botRounds);

    // --- Scenario 1: the echo bot, then the bot with deployments running.
    log('echo bot: clicks…');
    const echoClicks = await clickCreate(echoTarget, scale.users, scale.clicks, 'EC', 0);
    await echo.stop();
    log('bot: clicks while deployments run…');
    const botClicks = await clickCreate(botTarget, scale.users, scale.clicks, 'C', scale.warmup);
    const clickNames = new Set([...warm.cards.values(), ...botClicks.cards.values()].map((c) => c.shortName));
    // Each user's cards share one chat, where Teams' pacing spaces the edits: Live Platform says when all are done.
    const clickDeployed = await waitForDeployed(sandbox1, clickNames, (scale.name === 'smoke' ? 20_000 : 120_000) + 20 * scale.pollMs);
    const clickCounts = await sandbox1.call<Record<string, number>>('counts');
    await bot1.stop();
    await sandbox1.stop();

    // --- Scenario 6: the same clicks on two instances sharing one PostgreSQL (docs/operations.md),
    // each user's clicks on one of them, as a load balancer would spread them; beside scenario 1.
    log('two instances on one PostgreSQL: clicks while deployments run…');
    const pgServer = await testPostgres();
    const schema = pgServer.freshSchema();
    stops.push(() => pgServer.dropSchema(schema));
    const sandbox6 = keep(await startRole('sandbox', { stepMs: scale.clickStepMs }));
    const instances: Target[] = [];
    // One after the other: the first migrates the schema (starting together is the store tests' to prove).
    for (const id of ['bench-a', 'bench-b']) {
      const port = await getFreePort();
      const env = botEnv(sandbox6, login, scale, { DATABASE_URL: pgServer.url, DATABASE_SCHEMA: schema, INSTANCE_ID: id });
      keep((await startServerProcess(`bot ${id}`, ENTRY.bot, env, port)).proc);
      instances.push({ url: `http://127.0.0.1:${port}`, serviceUrl });
    }
    const instanceOf = (w: number) => instances[w % instances.length];
    for (const t of instances) await postJson(`${t.url}/api/messages`, personalMessage('new', { serviceUrl, user: benchUser(0) }));
    const warm6 = await clickCreate(instanceOf, scale.users, scale.warmup, 'PW', 0);
    await waitForFinalCards(connector, [...warm6.cards.keys()], 60_000 + 20 * scale.pollMs);
    const pgClicks = await clickCreate(instanceOf, scale.users, scale.clicks, 'P', scale.warmup);
    const pgNames = new Set([...warm6.cards.values(), ...pgClicks.cards.values()].map((c) => c.shortName));
    const pgDeployed = await waitForDeployed(sandbox6, pgNames, (scale.name === 'smoke' ? 30_000 : 180_000) + 20 * scale.pollMs);
    const pgCounts = await sandbox6.call<Record<string, number>>('counts');
    await sandbox6.stop();

    // --- Scenario 3 and 4: a fresh bot, 1,000 deployments in flight at once.
    log(`bot: ${scale.inflight} deployments in flight…`);
    await connector.call('reset');
    const sandbox3 = keep(await startRole('sandbox', { stepMs: scale.inflightStepMs }));
    const port3 = await getFreePort();
    const bot3 = keep((await startServerProcess('bot', ENTRY.bot, botEnv(sandbox3, login, scale), port3, cpuProf)).proc);
    const target3 = { url: `http://127.0.0.1:${port3}`, serviceUrl };
    // Warm-up as in scenario 1: the first burst after a start runs cold (docs/benchmark.md says how cold).
    await postJson(`${target3.url}/api/messages`, personalMessage('new', { serviceUrl, user: benchUser(0) }));
    const warm3 = await clickCreate(target3, scale.users, scale.warmup, 'V', scale.warmup + scale.clicks + scale.inflight, (i) => benchUser(20_000 + i));
    await waitForFinalCards(connector, [...warm3.cards.keys()], 4 * scale.inflightStepMs + 30_000 + 20 * scale.pollMs);
    await connector.call('reset');
    const countsBefore = await sandbox3.call<Record<string, number>>('counts');
    const idle = await bot3.probe(true);
    let peakSampledRss = idle.rssMb;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakSampledRss = Math.max(peakSampledRss, (await bot3.probe()).rssMb);
        await sleep(1000);
      }
    })();
    const loadStart = Date.now();
    // One user each, in a personal chat of their own: a thousand engineers, not twenty cards per chat
    // (there the per-chat edit pacing Teams demands would be what is measured).
    const load = await clickCreate(target3, scale.submitters, scale.inflight, 'L', scale.warmup + scale.clicks, (i) => benchUser(10_000 + i));
    const submittedMs = Date.now() - loadStart;
    // The submit burst and the thousand in flight are two windows of event-loop delay.
    const afterSubmit = await bot3.probe(true);
    // What the thousand really hold: the heap right after a full collection (the peak above includes garbage not yet collected).
    await sleep(Math.min(10_000, scale.inflightStepMs));
    // The in-flight window of event-loop delay starts after that collection's pause.
    const live = await bot3.probe(true, undefined, true);
    if (process.env.BENCH_HEAP_SNAPSHOT) {
      await sleep(scale.inflightStepMs);
      await bot3.probe(false, path.resolve(process.env.BENCH_HEAP_SNAPSHOT));
    }
    const loadFinished = await waitForFinalCards(
      connector,
      [...load.cards.keys()],
      4 * scale.inflightStepMs + (scale.name === 'smoke' ? 20_000 : 120_000) + 20 * scale.pollMs,
    );
    const loadMs = Date.now() - loadStart;
    sampling = false;
    await sampler;
    const busy = await bot3.probe();
    const customers3 = await sandbox3.call<SandboxCustomer[]>('customers');
    const countsAfter = await sandbox3.call<Record<string, number>>('counts');
    const counts3: Record<string, number> = Object.fromEntries(
      Object.entries(countsAfter)
        .map(([route, n]) => [route, n - (countsBefore[route] ?? 0)] as const)
        .filter(([, n]) => n !== 0),
    );
    const maxInFlight = await sandbox3.call<number>('maxConcurrent');
    const edits3 = await connector.call<Record<string, EditRecord[]>>('edits');
    const connectorCounts = await connector.call<ConnectorCounts>('counts');
    const loadNames = new Set([...load.cards.values()].map((c) => c.shortName));
    const deployedAtLp = customers3.filter((c) => loadNames.has(c.shortName) && c.deploymentState === 'Deployed').length;
    await bot3.stop();

    // --- Scenario 5: cold start, process start to /readyz 200.
    log('cold starts…');
    const coldEcho: number[] = [];
    const coldBot: number[] = [];
    for (let i = 0; i < scale.coldStarts; i++) {
      const e = await startServerProcess('echo', ENTRY.echo, {}, await getFreePort());
      coldEcho.push(e.readyMs);
      await e.proc.stop();
      const b = await startServerProcess('bot', ENTRY.bot, botEnv(sandbox3, login, scale), await getFreePort());
      coldBot.push(b.readyMs);
      await b.proc.stop();
    }
    await sandbox3.stop();

    const clickBot = stats(botClicks.latencies);
    const clickEcho = stats(echoClicks.latencies);
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    const eff = efficiency(load.cards, edits3, customers3);
    const lpCalls = Object.values(counts3).reduce((a, b) => a + b, 0);
    const results: BenchResults = {
      date: new Date(started).toISOString(),
      scale: scale.name,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.release()}` },
      settings: { ...scale, logLevel: 'info', botNodeOptions: process.env.BENCH_BOT_NODE_OPTIONS ?? '' },
      click: {
        bot: clickBot,
        echo: clickEcho,
        ratioP50: ratio(clickBot.p50, clickEcho.p50),
        ratioP99: ratio(clickBot.p99, clickEcho.p99),
        failures: botClicks.failures.length + warm.failures.length,
        echoFailures: echoClicks.failures.length,
        failureSamples: [...warm.failures, ...botClicks.failures].slice(0, 5),
        requests: clickNames.size,
        deployed: clickDeployed,
        creates: clickCounts.createCustomer ?? 0,
      },
      severalInstances: {
        instances: instances.length,
        bot: stats(pgClicks.latencies),
        ratioP50: ratio(stats(pgClicks.latencies).p50, clickBot.p50),
        ratioP99: ratio(stats(pgClicks.latencies).p99, clickBot.p99),
        failures: pgClicks.failures.length + warm6.failures.length,
        failureSamples: [...warm6.failures, ...pgClicks.failures].slice(0, 5),
        requests: pgNames.size,
        deployed: pgDeployed,
        creates: pgCounts.createCustomer ?? 0,
        postgres: pgServer.source,
      },
      throughput: {
        botPerSecond: botHelp.perSecond,
        echoPerSecond: echoHelp.perSecond,
        ratio: ratio(botHelp.perSecond, echoHelp.perSecond),
        botLatency: stats(botHelp.latencies),
        echoLatency: stats(echoHelp.latencies),
        failures: botHelp.failures,
      },
      load: {
        requests: load.cards.size,
        failures: load.failures.length,
        failureSamples: load.failures.slice(0, 5),
        submitMs: submittedMs,
        submitLatency: stats(load.latencies),
        allFinalMs: loadMs,
        maxInFlightAtLivePlatform: maxInFlight,
        deployedAtLivePlatform: deployedAtLp,
        cardsDeployed: loadFinished,
        creates: counts3.createCustomer ?? 0,
        idleRssMb: idle.rssMb,
        peakRssMb: busy.maxRssMb,
        peakSampledRssMb: peakSampledRss,
        heapUsedMb: busy.heapUsedMb,
        liveHeapMb: live.heapUsedMb,
        rssAfterGcMb: live.rssMb,
        eventLoopDelayMs: busy.eventLoopDelayMs,
        submitEventLoopDelayMs: afterSubmit.eventLoopDelayMs,
        cpuSecondsPerDeployment: Math.round(((busy.cpuMs - idle.cpuMs) / 1000 / Math.max(1, load.cards.size)) * 1000) / 1000,
      },
      efficiency: {
        ...eff,
        livePlatformCallsPerDeployment: Math.round((lpCalls / Math.max(1, load.cards.size)) * 10) / 10,
        livePlatformCalls: counts3,
        connector: connectorCounts,
        pollIntervalMs: scale.pollMs,
      },
      coldStart: { bot: stats(coldBot), echo: stats(coldEcho), ratio: ratio(stats(coldBot).p50, stats(coldEcho).p50) },
      targets: [],
      durationSeconds: 0,
    };
    results.targets = evaluateTargets(results);
    results.durationSeconds = Math.round((Date.now() - started) / 1000);
    return results;
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  }
}

const USAGE = `Usage: npm run bench -- [--scale full|smoke] [--out <dir>]

  --scale full    the whole benchmark, about four minutes on 2 cores (default); writes bench/results/latest.*
  --scale smoke   seconds, tiny numbers (what npm test runs); writes <out>/smoke.*
  --out <dir>     where the JSON and Markdown go (default bench/results)

  BENCH_CPU_PROF=<dir>         the bot's CPU profiles (node --cpu-prof)
  BENCH_HEAP_SNAPSHOT=<dir>    a heap snapshot of the bot with the load in flight
  BENCH_BOT_NODE_OPTIONS=...   V8 flags for the bot, e.g. --max-old-space-size=192`;

/** A mistake in the command line: said in one line with the usage, no stack. */
class UsageError extends Error {}

async function main(): Promise<void> {
  let values: { scale?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { scale: { type: 'string', default: 'full' }, out: { type: 'string' }, help: { type: 'boolean', default: false } } }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return void console.log(USAGE);
  const scale = SCALES[values.scale as Scale['name']];
  if (!scale) throw new UsageError(`--scale must be full or smoke, not ${values.scale}`);
  const out = path.resolve(values.out ?? path.join(__dirname, '../../bench/results'));
  console.log('  building the bot as npm run build does…');
  buildForBench();
  const results = await run(scale, (line) => console.log(`  ${line}`));
  const md = renderMarkdown(results);
  fs.mkdirSync(out, { recursive: true });
  const base = scale.name === 'full' ? 'latest' : scale.name;
  fs.writeFileSync(path.join(out, `${base}.json`), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(out, `${base}.md`), md);
  console.log(`\n${md}\nWritten to ${path.relative(process.cwd(), path.join(out, `${base}.md`))} and ${base}.json`);
}

main().catch((err) => {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
