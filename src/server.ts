import restify from 'restify';
import { Logger } from './logger';
import { withDeadline } from './deadline';

export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy; rejects otherwise (a ReadinessError names the reason code). */
  check(): Promise<void>;
}

/**
 * Why a check failed, as a reason code (`not_writable`, `timeout`, `http_503`, …): /readyz answers
 * with codes, never with internal error text; the details go to the log.
 */
export class ReadinessError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ReadinessError';
  }
}

/**
 * A check asked at most once per `ttlMs` (a load balancer polling /readyz every second must not
 * fetch a token and call Live Platform each time); concurrent asks share one probe.
 */
export function cachedCheck(check: () => Promise<void>, ttlMs: number, now: () => number = Date.now): () => Promise<void> {
  let last: { at: number; result: Promise<void> } | undefined;
  return () => {
    const t = now();
    if (!last || t - last.at >= ttlMs) {
      const result = check();
      result.catch(() => undefined);
      last = { at: t, result };
    }
    return last.result;
  };
}

export interface ServerDeps {
  logger: Logger;
  /** POST /api/messages: the Teams edge authenticates and runs the turn; the server only moves HTTP. */
  messages(req: restify.Request, res: restify.Response): Promise<void>;
  readiness: ReadinessCheck[];
  readinessTimeoutMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, waits for in-flight turns (bounded), then resolves. */
  close(graceMs?: number): Promise<void>;
}

/** restify: /api/messages → adapter → app.run, plus health endpoints. Nothing else. */
export async function startServer(deps: ServerDeps, port: number, host: string): Promise<RunningServer> {
  const { logger } = deps;
  const server = restify.createServer({ name: 'ump-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024, mapParams: false, rejectUnknown: true }));
  let inFlight = 0;
  let idle: (() => void) | undefined;
  let closing = false;

  server.post('/api/messages', async (req, res) => {
    if (closing) {
      res.send(503, { error: 'shutting down' });
      return;
    }
    inFlight++;
    try {
      await deps.messages(req, res);
    } catch (err) {
      // botbuilder throws (outside its own try) on bodies that are not activities at all.
      logger.warn({ err: { message: (err as Error).message }, reqId: req.id() }, 'rejected malformed activity');
      if (!res.headersSent) res.send(400, { error: 'malformed activity' });
    } finally {
      inFlight--;
      if (inFlight === 0) idle?.();
    }
  });

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req, res) => {
    const timeoutMs = deps.readinessTimeoutMs ?? 5_000;
    const results = await Promise.all(
      deps.readiness.map(async (c) => {
        try {
          await withDeadline(c.check(), timeoutMs, () => {
            throw new ReadinessError('timeout');
          });
          return { name: c.name, ok: true as const };
        } catch (err) {
          const reason = err instanceof ReadinessError ? err.reason : 'error';
          logger.debug({ check: c.name, reason, err: { message: (err as Error)?.message } }, 'readiness check failed');
          return { name: c.name, ok: false as const, reason };
        }
      }),
    );
    const failed = results.filter((r) => !r.ok);
    const checks = Object.fromEntries(results.map((r) => [r.name, r.ok ? 'ok' : r.reason]));
    if (closing) res.send(503, { status: 'shutting down', checks });
    else res.send(failed.length ? 503 : 200, { status: failed.length ? 'not ready' : 'ready', checks });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
  logger.info({ url }, 'listening');

  return {
    url,
    port: addr.port,
    async close(graceMs = 10_000) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (inFlight > 0) {
        await withDeadline(new Promise<void>((r) => (idle = r)), graceMs, () => undefined);
      }
      // Keep-alive sockets would hold close() open; in-flight work is done by now.
      server.server.closeAllConnections?.();
      await closed;
    },
  };
}
