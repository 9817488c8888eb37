import pino from 'pino';
import { CREATE_FIELDS } from './provisioning/fields';

export type Logger = pino.Logger;

/**
 * Keys whose values never reach a log line, wherever they appear (nested up to three levels,
 * which covers axios configs and activity payloads). pino redacts by exact key, so this lists the
 * names the bot's own objects use: every secret field of the create request (the catalogue, by
 * the one rule in secrets.ts) and the config and wire names of the bot's credentials. Redaction by
 * key is a safety net: code should not log secret-bearing objects in the first place.
 */
const SECRET_KEYS = [
  ...CREATE_FIELDS.filter((f) => f.secret).map((f) => f.id),
  'password',
  'Password',
  'carrierUserPassword',
  'client_secret',
  'clientSecret',
  'secret',
  'access_token',
  'accessToken',
  'token',
  'authorization',
  'Authorization',
  'appPassword',
  'MicrosoftAppPassword',
  'encryptionKey',
  'ENCRYPTION_KEY',
  'UMP_CLIENT_SECRET',
  'MICROSOFT_APP_PASSWORD',
];

export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Where lines go; defaults to stdout. Tests pass a stream to scan what was logged. */
  destination?: pino.DestinationStream;
}

export function createLogger(opts: LoggerOptions): Logger {
  const base: pino.LoggerOptions = {
    level: opts.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { svc: 'ump-bot' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (opts.destination) return pino(base, opts.destination);
  // pino-pretty is a development dependency: an installation without it (a production image run
  // with DEV_MODE=true) logs JSON rather than failing to start.
  if (opts.pretty && canLoad('pino-pretty')) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,svc' } } });
  }
  return pino(base);
}

function canLoad(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
