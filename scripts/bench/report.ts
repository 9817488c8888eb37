import type { Stats } from './load';

/** Everything one `npm run bench` measured (bench/results/latest.json). */
export interface BenchResults {
  date: string;
  scale: string;
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  settings: Record<string, unknown>;
  click: {
    bot: Stats;
    echo: Stats;
    ratioP50: number;
    ratioP99: number;
    failures: number;
    echoFailures: number;
    failureSamples: string[];
    requests: number;
    deployed: number;
    creates: number;
  };
  /** Scenario 6: scenario 1's clicks on two instances sharing one PostgreSQL; ratios are to scenario 1 (one instance, SQLite). */
  severalInstances: {
    instances: number;
    bot: Stats;
    ratioP50: number;
    ratioP99: number;
    failures: number;
    failureSamples: string[];
    requests: number;
    deployed: number;
    creates: number;
    /** Which server: 'PG_TEST_URL', '127.0.0.1:5432' or 'embedded'. */
    postgres: string;
  };
  throughput: { botPerSecond: number; echoPerSecond: number; ratio: number; botLatency: Stats; echoLatency: Stats; failures: number };
  load: {
    requests: number;
    failures: number;
    failureSamples: string[];
    submitMs: number;
    submitLatency: Stats;
    allFinalMs: number;
    maxInFlightAtLivePlatform: number;
    deployedAtLivePlatform: number;
    cardsDeployed: number;
    creates: number;
    idleRssMb: number;
    peakRssMb: number;
    peakSampledRssMb: number;
    heapUsedMb: number;
    /** The heap right after a full collection, with the thousand in flight, and the RSS then. */
    liveHeapMb: number;
    rssAfterGcMb: number;
    /** While the thousand are in flight (after the last submit). */
    eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number };
    /** While the thousand submits arrive. */
    submitEventLoopDelayMs: { p50: number; p99: number; max: number; mean: number };
    cpuSecondsPerDeployment: number;
  };
  efficiency: {
    edits: number;
    progressChanges: number;
    editsPerChange: number;
    redundantEdits: number;
    redundantSamples: string[];
    stepsCoalesced: number;
    stepToCardMs: Stats;
    livePlatformCallsPerDeployment: number;
    livePlatformCalls: Record<string, number>;
    connector: { sends: number; edits: number; other: number };
    pollIntervalMs: number;
  };
  coldStart: { bot: Stats; echo: Stats; ratio: number };
  targets: TargetResult[];
  durationSeconds: number;
}

export interface TargetResult {
  name: string;
  target: string;
  value: string;
  met: boolean;
  /** Correctness, not speed: the smoke test holds these at every scale. */
  correctness: boolean;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

/** The issue's targets (2-core machine) and the correctness every run must show. */
export function evaluateTargets(r: BenchResults): TargetResult[] {
  const t = (name: string, target: string, value: string, met: boolean, correctness = false): TargetResult => ({ name, target, value, met, correctness });
  const poll = r.efficiency.pollIntervalMs;
  return [
    t('Click p99 vs echo bot', '≤ 3×', `${r.click.ratioP99}×`, r.click.ratioP99 <= 3),
    t('Click p99', '≤ 250 ms', ms(r.click.bot.p99), r.click.bot.p99 <= 250),
    t('Message throughput vs echo bot', '≥ 60%', `${Math.round(r.throughput.ratio * 100)}%`, r.throughput.ratio >= 0.6),
    t('Peak RSS, 1,000 in flight', '≤ 300 MB', `${r.load.peakRssMb} MB`, r.load.peakRssMb <= 300),
    t('Event-loop delay p99, 1,000 in flight', '≤ 50 ms', ms(r.load.eventLoopDelayMs.p99), r.load.eventLoopDelayMs.p99 <= 50),
    t('Card edits per progress change', '= 1.00', r.efficiency.editsPerChange.toFixed(3), r.efficiency.redundantEdits === 0, true),
    t('Step-to-card delay p95', `≤ poll + 250 ms (${poll + 250} ms)`, ms(r.efficiency.stepToCardMs.p95), r.efficiency.stepToCardMs.p95 <= poll + 250),
    t('Cold start vs echo bot', '≤ 2×', `${r.coldStart.ratio}×`, r.coldStart.ratio <= 2),
    t('Clicks answered with a card', 'all', `${r.click.requests - r.click.failures}/${r.click.requests}`, r.click.failures === 0, true),
    t('Creates per request (clicks)', '1.00', (r.click.creates / Math.max(1, r.click.requests)).toFixed(2), r.click.creates === r.click.requests, true),
    t('Deployed at Live Platform (clicks)', 'all', `${r.click.deployed}/${r.click.requests}`, r.click.deployed === r.click.requests, true),
    t(
      'Deployed at Live Platform (load)',
      'all',
      `${r.load.deployedAtLivePlatform}/${r.load.requests}`,
      r.load.deployedAtLivePlatform === r.load.requests && r.load.failures === 0,
      true,
    ),
    t(
      'Clicks answered with a card (two instances)',
      'all',
      `${r.severalInstances.requests - r.severalInstances.failures}/${r.severalInstances.requests}`,
      r.severalInstances.failures === 0,
      true,
    ),
    t(
      'Creates per request (two instances)',
      '1.00',
      (r.severalInstances.creates / Math.max(1, r.severalInstances.requests)).toFixed(2),
      r.severalInstances.creates === r.severalInstances.requests,
      true,
    ),
    t(
      'Deployed at Live Platform (two instances)',
      'all',
      `${r.severalInstances.deployed}/${r.severalInstances.requests}`,
      r.severalInstances.deployed === r.severalInstances.requests,
      true,
    ),
    t('Cards showing Deployed (load)', 'all', `${r.load.cardsDeployed}/${r.load.requests}`, r.load.cardsDeployed === r.load.requests, true),
    t('Creates per request (load)', '1.00', (r.load.creates / Math.max(1, r.load.requests)).toFixed(2), r.load.creates === r.load.requests, true),
  ];
}

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const eld = (e: { p50: number; p99: number; max: number }) => `${e.p50} / ${e.p99} / ${e.max} ms`;
const pct = (s: Stats) => `${s.p50} / ${s.p95} / ${s.p99} / ${s.max}`;

export function renderMarkdown(r: BenchResults): string {
  const s = r.settings as Record<string, number>;
  const lines = [
    `# Benchmark (${r.scale}) — ${r.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, ${r.machine.platform}. Each server in its own process on loopback; ` +
      `bot in dev mode (LOG_LEVEL info, SQLite store in a temp folder, poll interval ${r.efficiency.pollIntervalMs} ms, card edits ≥ ${s.editIntervalMs} ms apart per chat); ` +
      `baseline: a bare echo bot on the same restify + TeamsAdapter + teams-ai stack. Run took ${r.durationSeconds} s.`,
    '',
    '| Scenario | Figure | Bot | Echo bot | Bot ÷ echo |',
    '|---|---|---|---|---|',
    row([
      `1. Click latency (${s.users} users, ${s.clicks} creates)`,
      'p50 / p95 / p99 / max ms',
      pct(r.click.bot),
      pct(r.click.echo),
      `p50 ${r.click.ratioP50}×, p99 ${r.click.ratioP99}×`,
    ]),
    row([
      `2. Message throughput (${s.helpMessages} × help, ${s.users} at once; median of ${s.helpRounds} rounds, in turns with the echo bot)`,
      'messages/s',
      r.throughput.botPerSecond,
      r.throughput.echoPerSecond,
      `${Math.round(r.throughput.ratio * 100)}%`,
    ]),
    row(['', 'latency p50 / p95 / p99 / max ms', pct(r.throughput.botLatency), pct(r.throughput.echoLatency), '']),
    row([
      `3. Load (${r.load.requests} deployments, steps ${s.inflightStepMs / 1000} s apart)`,
      'peak RSS (idle)',
      `${r.load.peakRssMb} MB (${r.load.idleRssMb} MB)`,
      '',
      '',
    ]),
    row(['', 'live heap after a full GC (RSS then), in flight', `${r.load.liveHeapMb} MB (${r.load.rssAfterGcMb} MB)`, '', '']),
    row(['', 'event-loop delay in flight, p50 / p99 / max', eld(r.load.eventLoopDelayMs), '', '']),
    row(['', 'event-loop delay while the submits arrive', eld(r.load.submitEventLoopDelayMs), '', '']),
    row(['', 'CPU per deployment', `${(r.load.cpuSecondsPerDeployment * 1000).toFixed(1)} ms`, '', '']),
    row(['', 'most in flight at Live Platform', r.load.maxInFlightAtLivePlatform, '', '']),
    row(['', 'submit answer p50 / p95 / p99 / max ms', pct(r.load.submitLatency), '', '']),
    row(['', 'all submitted / all final', `${(r.load.submitMs / 1000).toFixed(1)} s / ${(r.load.allFinalMs / 1000).toFixed(1)} s`, '', '']),
    row([
      '4. Efficiency (the load run)',
      'card edits per progress change',
      `${r.efficiency.editsPerChange.toFixed(3)} (${r.efficiency.edits} / ${r.efficiency.progressChanges})`,
      '',
      '',
    ]),
    row(['', 'steps shown together with a later one', r.efficiency.stepsCoalesced, '', '']),
    row([
      '',
      'Live Platform calls per deployment',
      `${r.efficiency.livePlatformCallsPerDeployment} (${Object.entries(r.efficiency.livePlatformCalls)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
      '',
      '',
    ]),
    row([
      '',
      'step to card edit p50 / p95 / max',
      `${r.efficiency.stepToCardMs.p50} / ${r.efficiency.stepToCardMs.p95} / ${r.efficiency.stepToCardMs.max} ms`,
      '',
      '',
    ]),
    row([
      `5. Cold start (${s.coldStarts} each)`,
      'start to /readyz 200, p50 / max',
      `${r.coldStart.bot.p50} / ${r.coldStart.bot.max} ms`,
      `${r.coldStart.echo.p50} / ${r.coldStart.echo.max} ms`,
      `${r.coldStart.ratio}×`,
    ]),
    row([
      `6. Two instances on one PostgreSQL (${r.severalInstances.postgres}), scenario 1's clicks spread over both`,
      'click p50 / p95 / p99 / max ms (beside: scenario 1, one instance on SQLite)',
      pct(r.severalInstances.bot),
      pct(r.click.bot),
      `p50 ${r.severalInstances.ratioP50}×, p99 ${r.severalInstances.ratioP99}×`,
    ]),
    '',
    '| Target | Wanted | Measured | Met |',
    '|---|---|---|---|',
    ...r.targets.map((t) => row([t.name, t.target, t.value, t.met ? 'yes' : '**no**'])),
    '',
  ];
  return lines.join('\n');
}
