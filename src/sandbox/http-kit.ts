import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a sandbox handler answers; the server writes it (faults may rewrite it first). */
export interface Reply {
  status: number;
  /** Serialised as JSON unless `raw` is given. Omitted: empty body. */
  body?: unknown;
  /** Exact body text (malformed JSON, bare values). */
  raw?: string;
  headers?: Record<string, string>;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers });

/** ASP.NET-style trace id: `00-<32 hex>-<16 hex>-00`. */
export function traceId(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`;
}

export function validationProblem(errors: Record<string, string[]>): Reply {
  return json(400, {
    type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
    title: 'One or more validation errors occurred.',
    status: 400,
    errors,
    traceId: traceId(),
  });
}

export function problem(status: number, title: string, detail: string): Reply {
  return json(status, {
    type: `https://tools.ietf.org/html/rfc9110#section-15.6.${status === 503 ? 4 : 1}`,
    title,
    status,
    detail,
    instance: null,
    errorTicket: `SBX-${randomBytes(4).toString('hex').toUpperCase()}`,
    errorCode: status,
    traceId: traceId(),
  });
}

export function bodyText(reply: Reply): string {
  if (reply.raw !== undefined) return reply.raw;
  return reply.body === undefined ? '' : JSON.stringify(reply.body);
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const text = bodyText(reply);
  const headers: Record<string, string> = { ...reply.headers };
  if (text !== '' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json; charset=utf-8';
  res.writeHead(reply.status, headers);
  res.end(text);
}

const MAX_BODY = 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Listens and resolves with the bound address (port 0 = any free port); rejects if the port is taken. */
export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
