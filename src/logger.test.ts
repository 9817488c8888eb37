import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** createLogger in a child Node whose module lookup cannot find `hidden` (as in a production install). */
function logOneLine(hidden: string | undefined): string {
  const script = `
    const Module = require('node:module');
    const hidden = ${JSON.stringify(hidden ?? null)};
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      if (request === hidden) throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
      return resolve.call(this, request, ...rest);
    };
    const { createLogger } = require(${JSON.stringify(path.join(__dirname, 'logger.ts'))});
    const logger = createLogger({ level: 'info', pretty: true });
    logger.info({ requestId: 'REQ-ABC123' }, 'hello');
    logger.flush?.();
  `;
  return execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 20_000 });
}

describe('createLogger with pretty output asked for', () => {
  it('logs JSON instead of failing when pino-pretty is not installed (a production image run in dev mode)', () => {
    const line = logOneLine('pino-pretty').trim();
    expect(JSON.parse(line)).toMatchObject({ msg: 'hello', requestId: 'REQ-ABC123', level: 30 });
  });

  it('pretty-prints when pino-pretty is there', () => {
    const out = logOneLine(undefined);
    expect(out).toContain('hello');
    expect(() => JSON.parse(out.trim())).toThrow();
  });
});
