import os from 'node:os';
import path from 'node:path';
import { z } from 'zod/v4';

/**
 * The only reader of process.env. Every other module receives the typed `Config`.
 * A bad environment is reported once, listing every offending variable and what it expects.
 */

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodType>(s: T) => z.preprocess(emptyToUndefined, s.optional());
// prefault (not default): the default goes through the schema like any input would.
const withDefault = <T extends z.ZodType>(s: T, d: z.input<T>) => z.preprocess(emptyToUndefined, s.prefault(d as never));
const intMs = (min: number) => z.coerce.number().int().min(min);
const url = (what: string) => z.url({ message: `expected an absolute http(s) URL (${what})`, protocol: /^https?$/ });
/**
 * `a, b c;d` → ['a','b','c','d']. Ids are any non-blank token (test tenants use non-GUID ids);
 * `*` (everyone) only where `star` allows it, and then alone.
 */
const idList = (what: string, star = false) =>
  z
    .string()
    .transform((v) => [...new Set(v.split(/[\s,;]+/).filter(Boolean))])
    .refine((ids) => ids.length > 0, `expected a list of ${what}`)
    .refine((ids) => star || !ids.includes('*'), `* is not allowed here: list the ${what}`)
    .refine((ids) => !ids.includes('*') || ids.length === 1, 'use * alone, or a list of ids');
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** `90s`, `30m`, `24h`, `2d` → milliseconds, within [min, max]. */
const duration = (min: number, max: number) =>
  z
    .string()
    .regex(/^\s*\d+\s*[smhd]\s*$/i, 'expected a duration such as 30m, 24h or 2d')
    .transform((v) => {
      // Checks do not stop zod: a text the regex refused still arrives here.
      const m = /^\s*(\d+)\s*([smhd])\s*$/i.exec(v);
      return m ? Number(m[1]) * UNIT_MS[m[2].toLowerCase()] : Number.NaN;
    })
    .refine((ms) => Number.isNaN(ms) || (ms >= min && ms <= max), `expected between ${min / 1000} second(s) and ${max / 86_400_000} days`);
/**
 * 32 random bytes in base64 (or base64url), exactly: `Buffer.from(…, 'base64')` skips what it cannot
 * decode, so a typo would silently make a shorter or different key. A key with almost no variety
 * (all one byte, a short repeated pattern) is refused as trivially weak.
 */
const encryptionKey = z.string().transform((v, ctx) => {
  const text = v.trim();
  const b64 = /^[A-Za-z0-9+/]{43}=?$/.test(text) || /^[A-Za-z0-9_-]{43}=?$/.test(text);
  const key = Buffer.from(text, /[-_]/.test(text) ? 'base64url' : 'base64');
  if (!b64 || key.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'expected exactly 32 random bytes in base64 (openssl rand -base64 32)' });
    return z.NEVER;
  }
  if (new Set(key).size < 8) {
    ctx.addIssue({ code: 'custom', message: 'the key is trivially weak (almost the same byte throughout): generate one with openssl rand -base64 32' });
    return z.NEVER;
  }
  return key;
});
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  PORT: withDefault(z.coerce.number().int().min(0).max(65535), 3978),
  HOST: opt(z.string()),
  MICROSOFT_APP_ID: opt(z.string()),
  MICROSOFT_APP_PASSWORD: opt(z.string()),
  MICROSOFT_APP_TYPE: withDefault(z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI']), 'SingleTenant'),
  MICROSOFT_APP_TENANT_ID: opt(z.string()),
  UMP_BASE_URL: opt(url('the provider portal plus /tenantui, e.g. https://portal.example.net/tenantui')),
  UMP_TOKEN_URL: opt(url('the Entra v2 token endpoint, e.g. https://login.microsoftonline.com/<sp-tenant>/oauth2/v2.0/token')),
  UMP_CLIENT_ID: opt(z.string()),
  UMP_CLIENT_SECRET: opt(z.string()),
  UMP_SCOPE: opt(z.string()),
  UMP_TIMEOUT_MS: withDefault(intMs(100), 30_000),
  UMP_CREATE_TIMEOUT_MS: withDefault(intMs(100), 600_000),
  UMP_POLL_INTERVAL_MS: withDefault(intMs(10), 3_000),
  UMP_DEPLOY_TIMEOUT_MS: withDefault(intMs(1_000), 3_600_000),
  UMP_PORTAL_URL: opt(
    url(
      'the Live Platform portal page of a customer, e.g. https://portal.example.net/#/customers/{customerGuid} ({customerGuid} and {shortName} are filled in)',
    ),
  ),
  ENTRA_AUTHORITY: withDefault(url('e.g. https://login.microsoftonline.com'), 'https://login.microsoftonline.com'),
  TENANT_UNVERIFIED_POLICY: withDefault(z.enum(['block', 'warn']), 'block'),
  TENANT_TIMEOUT_MS: withDefault(intMs(100), 3_000),
  DATA_DIR: withDefault(z.string(), './data'),
  DATABASE_URL: opt(z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'expected postgres://user:password@host:5432/database')),
  DATABASE_SCHEMA: opt(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'expected a PostgreSQL schema name (letters, digits, underscore)')),
  INSTANCE_ID: opt(z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'expected letters, digits and . _ : - (at most 100), e.g. bot-1')),
  LEASE_MS: withDefault(intMs(1_000), 30_000),
  ENCRYPTION_KEY: opt(encryptionKey),
  ENCRYPTION_KEY_PREVIOUS: opt(
    z.string().transform((v, ctx) =>
      v
        .split(/[\s,;]+/)
        .filter(Boolean)
        .flatMap((k, i) => {
          const r = encryptionKey.safeParse(k);
          if (r.success) return [r.data];
          ctx.addIssue({ code: 'custom', message: `key ${i + 1}: ${r.error.issues[0]?.message ?? 'invalid'}` });
          return [];
        }),
    ),
  ),
  DEV_MODE: withDefault(bool, 'false'),
  CARD_EDIT_MIN_INTERVAL_MS: withDefault(intMs(0), 1_500),
  READYZ_CACHE_MS: withDefault(intMs(0), 5_000),
  ALLOWED_TENANTS: opt(idList('Teams tenant ids')),
  REQUESTERS: opt(idList('Entra object ids of the users who may create customers, or * for every user of an allowed tenant', true)),
  APPROVERS: opt(idList('Entra object ids of the users who may approve requests')),
  ADMINS: opt(idList('Entra object ids of the users who may see, cancel and retry every request')),
  ACCESS_CONTACT: withDefault(z.string().max(200, 'at most 200 characters'), 'your bot administrator'),
  CREATE_LIMIT_PER_HOUR: withDefault(z.coerce.number().int().min(0), 10),
  COMMAND_LIMIT_PER_MINUTE: withDefault(z.coerce.number().int().min(0), 30),
  MAX_CONCURRENT_DEPLOYMENTS: withDefault(z.coerce.number().int().min(1), 10),
  APPROVAL_POLICY: withDefault(z.enum(['none', 'channels', 'all']), 'channels'),
  APPROVAL_CONVERSATION_ID: opt(z.string().regex(/^\S+$/, 'expected a Teams conversation id (no spaces), e.g. 19:abc@thread.tacv2')),
  ALLOW_SELF_APPROVAL: withDefault(bool, 'false'),
  APPROVAL_TTL: withDefault(duration(1_000, 30 * 86_400_000), '24h'),
  LOG_LEVEL: withDefault(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  LOG_FORMAT: opt(z.enum(['json', 'pretty'])),
});

/** Every variable the bot reads (env.sample documents each; a test checks). */
export const ENV_KEYS = Object.keys(EnvSchema.shape);

/** The Live Platform connection: all five or none. */
export const UMP_KEYS = ['UMP_BASE_URL', 'UMP_TOKEN_URL', 'UMP_CLIENT_ID', 'UMP_CLIENT_SECRET', 'UMP_SCOPE'] as const;
export type UmpKey = (typeof UMP_KEYS)[number];
/** `UMP_BASE_URL, …, UMP_CLIENT_SECRET and UMP_SCOPE`, for messages that tell an administrator what to set. */
export const UMP_KEYS_TEXT = `${UMP_KEYS.slice(0, -1).join(', ')} and ${UMP_KEYS[UMP_KEYS.length - 1]}`;

/** Rules across variables, checked on the raw strings so they are reported with the per-key ones. */
function crossFieldProblems(env: Record<string, string | undefined>): string[] {
  const has = (k: string) => emptyToUndefined(env[k]) !== undefined;
  const problems: string[] = [];
  const set = UMP_KEYS.filter(has);
  if (set.length > 0 && set.length < UMP_KEYS.length) {
    for (const k of UMP_KEYS.filter((k) => !has(k))) problems.push(`${k}: required once any UMP_* connection setting is set (set all five or none)`);
  }
  if (has('MICROSOFT_APP_ID')) {
    const type = env.MICROSOFT_APP_TYPE?.trim() || 'SingleTenant';
    if (type !== 'UserAssignedMSI' && !has('MICROSOFT_APP_PASSWORD')) {
      problems.push('MICROSOFT_APP_PASSWORD: required when MICROSOFT_APP_ID is set (the client secret of the bot app registration)');
    }
    if (type !== 'MultiTenant' && !has('MICROSOFT_APP_TENANT_ID')) {
      problems.push(`MICROSOFT_APP_TENANT_ID: required when MICROSOFT_APP_TYPE is ${type} (your Entra tenant id)`);
    }
  }
  const dev = /^(true|1|yes)$/i.test(env.DEV_MODE?.trim() ?? '');
  if (!dev && !has('MICROSOFT_APP_ID')) {
    problems.push(
      'MICROSOFT_APP_ID: required outside dev mode (the Entra app id of the bot registration). Without it the bot would run with no Bot Framework authentication; that local anonymous mode starts only with DEV_MODE=true.',
    );
  }
  if (has('MICROSOFT_APP_ID') && (env.MICROSOFT_APP_TYPE?.trim() || 'SingleTenant') === 'MultiTenant' && !has('ALLOWED_TENANTS')) {
    problems.push('ALLOWED_TENANTS: required when MICROSOFT_APP_TYPE is MultiTenant (the Teams tenant ids whose users may use the bot)');
  }
  if ((env.APPROVAL_POLICY?.trim() ?? '') === 'all' && !has('APPROVAL_CONVERSATION_ID')) {
    problems.push(
      'APPROVAL_CONVERSATION_ID: required when APPROVAL_POLICY is all (the id of a channel where the bot is installed; personal-chat requests are posted there for approval)',
    );
  }
  if (!dev && !has('REQUESTERS')) {
    problems.push(
      'REQUESTERS: required outside dev mode: the Entra object ids of the users who may create customers, or * for every user of an allowed tenant',
    );
  }
  if (!dev && !has('ENCRYPTION_KEY')) problems.push('ENCRYPTION_KEY: required outside dev mode: 32 random bytes in base64 (openssl rand -base64 32)');
  return problems;
}

export interface Config {
  port: number;
  /** Interface to bind. Anonymous mode always binds to loopback. */
  host: string;
  bot: {
    /** Empty = local anonymous mode (no JWT check); only ever on loopback. */
    appId: string;
    appPassword: string;
    appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
    appTenantId: string;
    anonymous: boolean;
  };
  /** Undefined when Live Platform is not configured: the bot runs but cannot create customers. */
  ump?: {
    baseUrl: string;
    tokenUrl: string;
    clientId: string;
    clientSecret: string;
    scope: string;
  };
  umpTimeouts: { requestMs: number; createMs: number; pollIntervalMs: number; deployTimeoutMs: number };
  /** UMP_PORTAL_URL: a customer's page in the Live Platform portal, `{customerGuid}` and `{shortName}` filled in. */
  umpPortalUrl?: string;
  tenant: { authority: string; unverifiedPolicy: 'block' | 'warn'; timeoutMs: number };
  dataDir: string;
  /** DATABASE_URL / DATABASE_SCHEMA: PostgreSQL instead of the SQLite file in DATA_DIR. */
  database?: { url: string; schema?: string };
  /** INSTANCE_ID (default the host name) and LEASE_MS: this instance's claim on the requests it follows. */
  instance: { id: string; leaseMs: number };
  /** 32-byte key for secrets at rest; undefined only in dev mode (the dev runner provides one). */
  encryptionKey?: Buffer;
  /** ENCRYPTION_KEY_PREVIOUS: keys that still open what they sealed (rotation); the current key seals. */
  previousEncryptionKeys: Buffer[];
  devMode: boolean;
  cardEditMinIntervalMs: number;
  /** How long /readyz reuses its Live Platform probe (READYZ_CACHE_MS). */
  readinessCacheMs: number;
  access: AccessSettings;
  limits: { createsPerHour: number; commandsPerMinute: number; maxConcurrentDeployments: number };
  approval: ApprovalSettings;
  log: { level: string; pretty: boolean };
}

/** Which requests need an approver's yes before anything is sent to Live Platform (docs/security.md). */
export interface ApprovalSettings {
  /** none; channels = team channels and group chats; all = personal chats too. */
  policy: 'none' | 'channels' | 'all';
  /** With `all`: the channel personal-chat requests are posted to for approval. */
  conversationId?: string;
  allowSelfApproval: boolean;
  /** A request not decided within this long expires. */
  ttlMs: number;
}

/** Who may use the bot (docs/security.md). Ids are compared case-insensitively. */
export interface AccessSettings {
  /** Teams tenants whose users may use the bot; undefined = any (dev mode only). */
  allowedTenants?: readonly string[];
  /** Entra object ids, or '*' for every user of an allowed tenant. */
  requesters: readonly string[] | '*';
  approvers: readonly string[];
  admins: readonly string[];
  /** Who to ask for access, named in refusals. */
  contact: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee env.sample for every variable and its meaning.`,
    );
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  // Never echo an offending value: it may be a secret.
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0] ?? '(environment)')}: ${i.message}`)),
    ...crossFieldProblems(env),
  ];
  if (!parsed.success || problems.length) throw new ConfigError([...new Set(problems)]);
  const e = parsed.data;
  const anonymous = !e.MICROSOFT_APP_ID;
  const lower = (ids: string[] | undefined) => (ids ?? []).map((i) => i.toLowerCase());
  // Single-tenant (and managed identity) registrations serve their own tenant unless told otherwise.
  const ownTenant = e.MICROSOFT_APP_ID && e.MICROSOFT_APP_TYPE !== 'MultiTenant' && e.MICROSOFT_APP_TENANT_ID ? [e.MICROSOFT_APP_TENANT_ID] : undefined;
  const allowedTenants = e.ALLOWED_TENANTS ?? ownTenant;
  return {
    port: e.PORT,
    host: anonymous ? '127.0.0.1' : (e.HOST ?? '0.0.0.0'),
    bot: {
      appId: e.MICROSOFT_APP_ID ?? '',
      appPassword: e.MICROSOFT_APP_PASSWORD ?? '',
      appType: e.MICROSOFT_APP_TYPE,
      appTenantId: e.MICROSOFT_APP_TENANT_ID ?? '',
      anonymous,
    },
    ump:
      e.UMP_BASE_URL && e.UMP_TOKEN_URL && e.UMP_CLIENT_ID && e.UMP_CLIENT_SECRET && e.UMP_SCOPE
        ? {
            baseUrl: e.UMP_BASE_URL.replace(/\/+$/, ''),
            tokenUrl: e.UMP_TOKEN_URL,
            clientId: e.UMP_CLIENT_ID,
            clientSecret: e.UMP_CLIENT_SECRET,
            scope: e.UMP_SCOPE,
          }
        : undefined,
    umpPortalUrl: e.UMP_PORTAL_URL,
    umpTimeouts: {
      requestMs: e.UMP_TIMEOUT_MS,
      createMs: e.UMP_CREATE_TIMEOUT_MS,
      pollIntervalMs: e.UMP_POLL_INTERVAL_MS,
      deployTimeoutMs: e.UMP_DEPLOY_TIMEOUT_MS,
    },
    tenant: { authority: e.ENTRA_AUTHORITY.replace(/\/+$/, ''), unverifiedPolicy: e.TENANT_UNVERIFIED_POLICY, timeoutMs: e.TENANT_TIMEOUT_MS },
    dataDir: path.resolve(e.DATA_DIR),
    ...(e.DATABASE_URL ? { database: { url: e.DATABASE_URL, ...(e.DATABASE_SCHEMA ? { schema: e.DATABASE_SCHEMA } : {}) } } : {}),
    instance: { id: e.INSTANCE_ID ?? os.hostname(), leaseMs: e.LEASE_MS },
    encryptionKey: e.ENCRYPTION_KEY,
    previousEncryptionKeys: e.ENCRYPTION_KEY_PREVIOUS ?? [],
    devMode: e.DEV_MODE,
    cardEditMinIntervalMs: e.CARD_EDIT_MIN_INTERVAL_MS,
    readinessCacheMs: e.READYZ_CACHE_MS,
    access: {
      allowedTenants: allowedTenants ? lower(allowedTenants) : undefined,
      requesters: e.REQUESTERS?.[0] === '*' || (!e.REQUESTERS && e.DEV_MODE) ? '*' : lower(e.REQUESTERS),
      approvers: lower(e.APPROVERS),
      admins: lower(e.ADMINS),
      contact: e.ACCESS_CONTACT,
    },
    limits: {
      createsPerHour: e.CREATE_LIMIT_PER_HOUR,
      commandsPerMinute: e.COMMAND_LIMIT_PER_MINUTE,
      maxConcurrentDeployments: e.MAX_CONCURRENT_DEPLOYMENTS,
    },
    approval: {
      policy: e.APPROVAL_POLICY,
      conversationId: e.APPROVAL_CONVERSATION_ID,
      allowSelfApproval: e.ALLOW_SELF_APPROVAL,
      ttlMs: e.APPROVAL_TTL,
    },
    log: { level: e.LOG_LEVEL, pretty: (e.LOG_FORMAT ?? (e.DEV_MODE ? 'pretty' : 'json')) === 'pretty' },
  };
}
