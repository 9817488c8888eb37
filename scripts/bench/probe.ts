/**
 * Preloaded (`--import`) into the bot and the echo bot by the benchmark: measures the process from
 * inside — event-loop delay, CPU, memory — and answers the benchmark over the IPC channel. The
 * product code knows nothing of it.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';

export interface ProbeReading {
  rssMb: number;
  /** The kernel's high-water mark of this process's RSS since it started. */
  maxRssMb: number;
  heapUsedMb: number;
  /** CPU time used since the process started (user + system). */
  cpuMs: number;
  /** Event-loop delay since the last reset. */
  eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number };
}

const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

if (process.send) {
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  process.on('message', (m: { probe?: number; reset?: boolean; heapSnapshotDir?: string; collect?: boolean }) => {
    if (typeof m?.probe !== 'number') return;
    // A full collection first (the benchmark starts its servers with --expose-gc): what is live, not what awaits collection.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (m.collect && gc) gc();
    // Diagnosis only (BENCH_HEAP_SNAPSHOT): blocks the process for seconds.
    if (m.heapSnapshotDir) writeHeapSnapshot(`${m.heapSnapshotDir}/bot-${process.pid}-${Date.now()}.heapsnapshot`);
    const cpu = process.cpuUsage();
    const reading: ProbeReading = {
      rssMb: mb(process.memoryUsage().rss),
      maxRssMb: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
      heapUsedMb: mb(process.memoryUsage().heapUsed),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      eventLoopDelayMs: { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max), mean: ms(eld.mean) },
    };
    if (m.reset) eld.reset();
    process.send!({ probe: m.probe, reading });
  });
  // The IPC channel must not keep a process alive that would otherwise exit.
  process.channel?.unref();
}
