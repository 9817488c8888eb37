import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** Keep-alive, as the Bot Connector keeps its connections to a bot. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 2048 });

export interface Answer {
  status: number;
  body: unknown;
  ms: number;
}

/** POSTs JSON and times the whole answer (headers and body). */
export function postJson(url: string, payload: unknown): Promise<Answer> {
  const data = Buffer.from(JSON.stringify(payload));
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': data.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          /* keep the text */
        }
        resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0 });
      });
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: 0, body: err.message, ms: performance.now() - t0 }));
    req.end(data);
  });
}

/** Runs `total` jobs with `workers` running at once; worker w takes jobs w, w + workers, … in order. */
export async function inParallel(workers: number, total: number, job: (index: number, worker: number) => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(workers, total) }, async (_, w) => {
      for (let i = w; i < total; i += workers) await job(i, w);
    }),
  );
  return performance.now() - t0;
}

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

const round = (v: number) => Math.round(v * 10) / 10;

/** Nearest-rank percentiles. */
export function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return { n: 0, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return {
    n: s.length,
    p50: round(q(0.5)),
    p95: round(q(0.95)),
    p99: round(q(0.99)),
    max: round(s[s.length - 1]),
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
