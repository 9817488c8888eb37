import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchResults } from '../../scripts/bench/report';

/**
 * `npm run bench` at smoke scale (seconds, tiny numbers), so the benchmark cannot rot. Timings are
 * the benchmark's to report, never a test's to assert: this checks that every scenario ran and
 * produced figures, and the correctness every run must show (nothing lost, one create per request,
 * one card edit per real change).
 */
const ROOT = path.join(__dirname, '../..');

describe('the benchmark, smoke scale', () => {
  let results: BenchResults;
  let markdown: string;
  let output = '';

  beforeAll(async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ump-bench-smoke-'));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench/main.ts'), '--scale', 'smoke', '--out', out], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`npm run bench -- --scale smoke exited ${code}:\n${output.slice(-4000)}`);
    results = JSON.parse(fs.readFileSync(path.join(out, 'smoke.json'), 'utf8')) as BenchResults;
    markdown = fs.readFileSync(path.join(out, 'smoke.md'), 'utf8');
  }, 240_000);

  it('measures every scenario, for the bot and for the echo bot beside it', () => {
    const figures = [
      results.click.bot.p99,
      results.click.echo.p99,
      results.click.ratioP99,
      results.throughput.botPerSecond,
      results.throughput.echoPerSecond,
      results.load.peakRssMb,
      results.load.eventLoopDelayMs.p99,
      results.load.cpuSecondsPerDeployment,
      results.efficiency.editsPerChange,
      results.efficiency.livePlatformCallsPerDeployment,
      results.efficiency.stepToCardMs.p95,
      results.coldStart.bot.p50,
      results.coldStart.echo.p50,
      results.severalInstances.bot.p99,
      results.severalInstances.ratioP99,
    ];
    for (const f of figures) expect(Number.isFinite(f) && f > 0).toBe(true);
    expect(results.click.bot.n).toBe(16);
    expect(results.click.echo.n).toBe(16);
    expect(results.severalInstances.bot.n).toBe(16);
    expect(results.severalInstances.instances).toBe(2);
    expect(results.machine.cpus).toBe(os.cpus().length);
    expect(results.machine.node).toBe(process.version);
  });

  it('loses nothing: every request deployed, each with exactly one create, every card on its final state', () => {
    expect(results.click.failures).toBe(0);
    expect(results.click.creates).toBe(results.click.requests);
    expect(results.click.deployed).toBe(results.click.requests);
    expect(results.load.failures).toBe(0);
    expect(results.load.deployedAtLivePlatform).toBe(results.load.requests);
    expect(results.load.cardsDeployed).toBe(results.load.requests);
    expect(results.load.creates).toBe(results.load.requests);
    // Two instances on one database: still one create per request, none lost between them.
    expect(results.severalInstances.failures).toBe(0);
    expect(results.severalInstances.creates).toBe(results.severalInstances.requests);
    expect(results.severalInstances.deployed).toBe(results.severalInstances.requests);
  });

  it('edits each card once per real change (the click answer is not repeated as an edit)', () => {
    expect(results.efficiency.progressChanges).toBeGreaterThanOrEqual(results.load.requests);
    expect(results.efficiency.editsPerChange).toBe(1);
  });

  it('reports every target, and writes the Markdown table', () => {
    expect(results.targets.map((t) => t.name)).toEqual(
      expect.arrayContaining(['Click p99 vs echo bot', 'Card edits per progress change', 'Cold start vs echo bot']),
    );
    for (const t of results.targets.filter((x) => x.correctness)) expect(`${t.name}: ${t.met ? 'met' : t.value}`).toBe(`${t.name}: met`);
    for (const heading of ['1. Click latency', '2. Message throughput', '3. Load', '4. Efficiency', '5. Cold start', '6. Two instances', '| Target |'])
      expect(markdown).toContain(heading);
  });

  it('answers a wrong command line with what to fix and the usage, no stack trace', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench/main.ts'), '--scale', 'huge'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d) => (text += String(d)));
    child.stderr.on('data', (d) => (text += String(d)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(text).toContain('--scale must be full or smoke, not huge');
    expect(text).toContain('Usage: npm run bench');
    expect(text).not.toMatch(/\n\s+at /);
  });
});
