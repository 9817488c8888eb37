/**
 * The benchmark's stub Bot Connector: answers like the connector (201 with an id for a send, 200 for
 * an edit) as cheaply as it can, so it is never what the benchmark measures, and keeps per message
 * only what the figures need: when each edit came and what it showed.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EditRecord {
  at: number;
  /** The card with elapsed-time figures (`0:07`, `+1:02`) blanked out, hashed: equal = nothing new to see. */
  sig: string;
  /** The card's first text, e.g. `Deploying: Acme01`. */
  title: string;
  /** Steps shown done (✓). */
  done: number;
}

export interface ConnectorCounts {
  sends: number;
  edits: number;
  other: number;
}

/** What a card shows, reduced to what the efficiency figures compare. */
export function cardSummary(card: unknown): Omit<EditRecord, 'at'> {
  const json = JSON.stringify(card ?? {});
  const sig = createHash('sha1')
    .update(json.replace(/\d+:\d{2}(:\d{2})?/g, '#'))
    .digest('base64')
    .slice(0, 12);
  const title = /"text":"((?:[^"\\]|\\.)*)"/.exec(json)?.[1] ?? '';
  const done = json.split('"text":"✓"').length - 1;
  return { sig, title, done };
}

const ACTIVITIES = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

export async function startBenchConnector(port = 0): Promise<{
  url: string;
  edits(): Record<string, EditRecord[]>;
  counts(): ConnectorCounts;
  reset(): void;
  close(): Promise<void>;
}> {
  let edits = new Map<string, EditRecord[]>();
  let counts: ConnectorCounts = { sends: 0, edits: 0, other: 0 };
  let ids = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = ACTIVITIES.exec((req.url ?? '').split('?')[0]);
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (!m) {
        counts.other++;
        return answer(404, { error: { code: 'NotFound', message: 'the benchmark connector knows only activities' } });
      }
      if (req.method === 'POST') {
        counts.sends++;
        return answer(201, { id: `bench-${++ids}` });
      }
      if (req.method === 'PUT' && m[2]) {
        counts.edits++;
        const activityId = decodeURIComponent(m[2]);
        let card: unknown;
        try {
          card = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { attachments?: { content?: unknown }[] }).attachments?.[0]?.content;
        } catch {
          card = undefined;
        }
        const list = edits.get(activityId) ?? [];
        list.push({ at: Date.now(), ...cardSummary(card) });
        edits.set(activityId, list);
        return answer(200, { id: activityId });
      }
      counts.other++;
      return answer(200, {});
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    edits: () => Object.fromEntries(edits),
    counts: () => ({ ...counts }),
    reset() {
      edits = new Map();
      counts = { sends: 0, edits: 0, other: 0 };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
