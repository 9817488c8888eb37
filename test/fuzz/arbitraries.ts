import fc from 'fast-check';
import { FIELD_IDS } from '../../src/provisioning/fields';
import {
  actionExecuteInvoke,
  actionSubmit,
  BOT_ID,
  channelMention,
  conversationUpdateBotAdded,
  groupChatMention,
  personalMessage,
  USER,
  type PlaceOptions,
  type TestActivity,
  type TestUser,
  type Where,
} from '../helpers/activities';

/**
 * Generators of what may reach POST /api/messages: messages with hostile text and every command word,
 * card submits and Action.Execute invokes with junk data, conversation updates, envelopes with
 * missing or odd fields, and bodies that are not activities at all. Generation is pure (ids and times
 * come from the generators too), so a seed replays the same inputs.
 *
 * One rule holds for every input: no generated form is fully valid, so Live Platform never receives
 * a create. The tenant of any customer data is never one the login stand-in knows (`knownTenants`).
 */

/** What the fuzz may aim at: the stub connector, and requests and card messages that exist. */
export interface FuzzTargets {
  /** The fake connector's URL (the only serviceUrl the anonymous bot answers). */
  serviceUrl: string;
  /** Ids of requests seeded before the fuzz. */
  requestIds: readonly string[];
  /** Ids of messages the bot posted (forms, request cards): what card actions reply to. */
  messageIds: readonly string[];
  /** Conversation ids the seeded requests live in. */
  conversationIds: readonly string[];
  /** Every tenant the login stand-in resolves (domains and GUIDs, lower case). */
  knownTenants: readonly string[];
}

export type FuzzInput =
  { kind: 'activity'; label: string; activity: Record<string, unknown> } | { kind: 'raw'; label: string; body: string; contentType: string };

/** The people the fuzz acts as. Never an approver (APPROVERS is someone else): nothing gets approved. */
export const FUZZ_OTHER: TestUser = { id: '29:1user-fuzz-other', name: 'Fuzz Other', aadObjectId: 'aad-fuzz-other' };

export const COMMAND_WORDS = ['new', 'create', 'status', 'list', 'cancel', 'retry', 'audit', 'help'] as const;
const NEAR_MISSES = ['sta', 'lisst', 'neww', 'helpme', 'stat', 'canc', 'retr', 'audi', 'h', 'n'];
const LIST_FILTERS = ['mine', 'waiting', 'queued', 'running', 'deployed', 'failed', 'cancelled', 'rejected', 'expired', 'ended', 'sideways'];
export const REAL_VERBS = [
  'customer.create',
  'form.refresh',
  'form.open',
  'request.approve',
  'request.reject',
  'request.cancel',
  'request.view',
  'request.retry',
  'requests.more',
] as const;
const UNKNOWN_VERBS = [
  '',
  ' ',
  'customer.delete',
  'request.approve ',
  'REQUEST.APPROVE',
  'request',
  'requests.less',
  'form.refresh\u0000',
  '__proto__',
  'constructor',
];
const KEYS = [
  ...FIELD_IDS,
  'verb',
  'requestId',
  'retryOf',
  'rejectReason',
  'before',
  'filter',
  'page',
  'CustomVar.Variable1',
  'Variable3',
  '3',
  'action',
  'data',
];
const ODD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', 'a.b', '$where', 'verb\u0000'];

/** Teams' markup and the entities, escapes and characters that break text handling. */
const PIECES = [
  '<p>',
  '</p>',
  '<br>',
  '<br/>',
  '<BR />',
  '<at>Bot</at>',
  '<at>',
  '</at>',
  '<at>Megan Bowen</at>',
  '<at><at>Bot</at></at>',
  '<div class="x">',
  '<span style="color:red">',
  '<a href="javascript:alert(1)">x</a>',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '<!-- c -->',
  '<',
  '>',
  '&',
  '&amp;',
  '&amp;amp;',
  '&lt;',
  '&gt;',
  '&quot;',
  '&apos;',
  '&#39;',
  '&nbsp;',
  '&NBSP;',
  '&#99999999;',
  '&#x110000;',
  '&#1114111;',
  '&#1114112;',
  '&#55296;',
  '&#xD800;',
  '&#xDFFF;',
  '&#0;',
  '&#x0;',
  '&#;',
  '&#x;',
  '&#65;',
  '&#x41;',
  '&#-1;',
  '&#9999999999999999999999;',
  '&#x7FFFFFFFFFFFFFFF;',
  '&unknown;',
  '\u0000',
  '\u0001',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\r\n',
  '\r',
  '\n',
  '\t',
  '\u000b',
  '\u00a0',
  '\u200b',
  '\u200d',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\u202e',
  '\ud800',
  '\udfff',
  '\ud83d\ude00',
  '👩‍👩‍👧',
  'é',
  'e\u0301',
  'ﷺ',
  '𝕏',
  '“',
  '”',
  '"',
  "'",
  '`',
  '=',
  '==',
  'a=',
  '=b',
  '"unterminated',
  "'unterminated",
  '\\',
  '/',
  '//',
  '*',
  '**bold**',
  '[x](http://evil)',
  '_',
  '#',
  '> ',
  '- ',
  '1. ',
  '{',
  '}',
  '${x}',
  '{{x}}',
  '${$root.x}',
  '%s',
  '%00',
  '%ZZ',
  'REQ-',
  'REQ-AAAAAA',
  'req-7k3f9q',
  'REQ-7K3F9Q',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e999',
  ' ',
  '   ',
];

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

const shortText = fc.oneof(
  { arbitrary: fc.constantFrom(...PIECES), weight: 6 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 8 }), weight: 2 },
  { arbitrary: fc.string({ unit: codeUnit, maxLength: 6 }), weight: 1 },
);

/** Mixed markup, entities and unicode, up to a few hundred characters. */
export const hostileText = fc.array(shortText, { maxLength: 14 }).chain((parts) => fc.constantFrom('', ' ').map((sep) => parts.join(sep)));

/** Around the 1 MB body limit: a short pattern repeated, so generating it is cheap. */
export const hugeText = fc
  .tuple(fc.constantFrom('a', 'A1 ', '&#99;', '<p>x</p>', '\u00e9', '😀', ' ', '&nbsp;', 'REQ-AAAAAA '), fc.integer({ min: 200_000, max: 1_100_000 }))
  .map(([p, n]) => p.repeat(Math.ceil(n / p.length)).slice(0, n));

/** `arb` one time in `outOf`, undefined otherwise. */
const sometimes = <T>(arb: fc.Arbitrary<T>, outOf: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: outOf - 1 }, { arbitrary: arb, weight: 1 });

const randomCase = (word: string) =>
  fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((up) => [...word].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''));

/** A request id: a seeded one (as is, or mangled), a well-formed unknown one, or junk. */
const requestIdText = (t: FuzzTargets) =>
  fc.oneof(
    ...(t.requestIds.length ? [{ arbitrary: fc.constantFrom(...t.requestIds), weight: 4 }] : []),
    ...(t.requestIds.length
      ? [
          {
            arbitrary: fc
              .tuple(fc.constantFrom(...t.requestIds), fc.constantFrom('lower', 'space', 'suffix', 'prefix', 'nbsp'))
              .map(([id, how]) =>
                how === 'lower' ? id.toLowerCase() : how === 'space' ? ` ${id} ` : how === 'suffix' ? `${id}X` : how === 'prefix' ? `#${id}` : `${id}\u00a0`,
              ),
            weight: 2,
          },
        ]
      : []),
    { arbitrary: fc.stringMatching(/^REQ-[A-Z0-9]{6}$/), weight: 2 },
    {
      arbitrary: fc.constantFrom('', 'REQ-', 'REQ-AAAAAAA', 'REQ-AA AAA', 'REQ-ÄÖÜ123', 'REQ-000000', 'req', '*', '%', "'; DROP TABLE requests; --"),
      weight: 2,
    },
    { arbitrary: hostileText, weight: 1 },
  );

/** JSON values of any shape, objects with odd keys included. */
export const junkJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -0, 1e308, -1, Number.MAX_SAFE_INTEGER + 2),
    hostileText,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS, ...ODD_KEYS), fc.string({ maxLength: 6 })), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Thousands of levels of nesting: recursion in whatever walks the value. */
const deepJson = fc.integer({ min: 500, max: 4000 }).map((depth) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { data: v };
  return v;
});

const junkValue = fc.oneof({ arbitrary: junkJson, weight: 12 }, { arbitrary: deepJson, weight: 1 });

/** A value the form could get for a field: plausible, hostile, the wrong type, or missing (undefined). */
const fieldValue = fc.oneof(
  fc.constantFrom(
    'Acme01',
    'Acme 01',
    'ExistingCo',
    'HiddenCo',
    'failNow',
    'a',
    'A'.repeat(200),
    '5',
    '7',
    'auto',
    '0',
    '-1',
    '1.5',
    '99999999999',
    'IPGROUP_TYPE',
    'TENANT_TYPE',
    'x',
  ),
  hostileText,
  junkJson,
  fc.constant(undefined),
);

/** Whether the login stand-in could resolve `value` as a tenant (then it must not be in a generated form). */
export function couldBeKnownTenant(value: unknown, knownTenants: readonly string[]): boolean {
  if (typeof value !== 'string') return false;
  const v = value.toLowerCase();
  return knownTenants.some((k) => v.includes(k)) || /contoso|fabrikam|tenant\d/.test(v);
}

/** Never a tenant the stand-in knows: unknown, malformed, unverifiable (503) or not a string. */
const badTenant = (t: FuzzTargets) =>
  fc
    .oneof(
      fc.constantFrom(
        'missing.onmicrosoft.com',
        'outage.example',
        'garbled.example',
        'nobody.onmicrosoft.com',
        'contoso',
        '{not-a-guid}',
        'https://x.example',
        'a@b.example',
        '',
      ),
      fc.uuid(),
      fc.stringMatching(/^[a-z]{1,8}\.onmicrosoft\.com$/),
      fieldValue,
    )
    .filter((v) => !couldBeKnownTenant(v, t.knownTenants));

/** Data for "Create customer": every field may be anything, except that the tenant is never a real one. */
export const customerData = (t: FuzzTargets) =>
  fc
    .tuple(
      fc.record(Object.fromEntries(FIELD_IDS.filter((f) => f !== 'msTenantId').map((f) => [f, fieldValue])), { requiredKeys: [] }),
      fc.option(badTenant(t), { nil: undefined }),
      fc.option(fc.oneof(requestIdText(t), junkJson), { nil: undefined }),
      fc.dictionary(fc.oneof(fc.constantFrom(...KEYS, ...ODD_KEYS), fc.string({ maxLength: 8 })), junkValue, { maxKeys: 3 }),
    )
    .map(([fields, msTenantId, retryOf, extra]) => {
      // The extra junk must not bring a real tenant in either.
      const { msTenantId: _ignored, ...rest } = extra as Record<string, unknown>;
      const data: Record<string, unknown> = { ...rest, ...fields };
      if (msTenantId !== undefined) data.msTenantId = msTenantId;
      if (retryOf !== undefined) data.retryOf = retryOf;
      for (const k of Object.keys(data)) if (data[k] === undefined) delete data[k];
      return data;
    });

/** Data for the other verbs: a request id (real, unknown, malformed or the wrong type) and junk. */
const verbData = (t: FuzzTargets) =>
  fc
    .tuple(
      fc.option(fc.oneof({ arbitrary: requestIdText(t), weight: 4 }, { arbitrary: junkJson, weight: 1 }), { nil: undefined }),
      fc.option(fc.oneof(hostileText, junkJson), { nil: undefined }),
      fc.option(
        fc.oneof(
          fc.record({
            createdAt: fc.oneof(
              hostileText,
              fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
            ),
            id: requestIdText(t),
          }),
          junkJson,
        ),
        { nil: undefined },
      ),
      fc.dictionary(fc.oneof(fc.constantFrom(...KEYS, ...ODD_KEYS), fc.string({ maxLength: 8 })), junkValue, { maxKeys: 3 }),
    )
    .map(([requestId, rejectReason, before, extra]) => {
      const { msTenantId: _ignored, ...data } = extra as Record<string, unknown>;
      if (requestId !== undefined) data.requestId = requestId;
      if (rejectReason !== undefined) data.rejectReason = rejectReason;
      if (before !== undefined) data.before = before;
      return data;
    });

const dataFor = (t: FuzzTargets, verb: string) => (verb === 'customer.create' || verb === 'form.refresh' ? customerData(t) : verbData(t));

const anyVerb = fc.oneof(
  { arbitrary: fc.constantFrom(...REAL_VERBS), weight: 8 },
  { arbitrary: fc.constantFrom(...UNKNOWN_VERBS), weight: 1 },
  { arbitrary: hostileText, weight: 1 },
);

/** Where and as whom: the usual places and people, sometimes a seeded conversation. */
const place = (t: FuzzTargets) =>
  fc.record({
    where: fc.constantFrom<Where>('personal', 'personal', 'channel', 'groupChat'),
    user: fc.constantFrom<TestUser>(USER, USER, FUZZ_OTHER),
    conversationId: t.conversationIds.length ? sometimes(fc.constantFrom(...t.conversationIds), 3) : fc.constant(undefined),
    id: fc.nat().map((n) => String(1_900_000_000_000 + n)),
    replyToId: fc.oneof(
      ...(t.messageIds.length ? [{ arbitrary: fc.constantFrom(...t.messageIds), weight: 3 }] : []),
      { arbitrary: fc.nat().map((n) => String(1_700_000_000_000 + n)), weight: 2 },
      { arbitrary: hostileText, weight: 1 },
    ),
  });

const TIMESTAMP = '2026-01-15T10:00:00.000Z';

type Place = { where: Where; user: TestUser; conversationId?: string; id: string; replyToId: string };

function opts(t: FuzzTargets, p: Place): PlaceOptions & { replyToId: string } {
  return { serviceUrl: t.serviceUrl, where: p.where, user: p.user, conversationId: p.conversationId, id: p.id, timestamp: TIMESTAMP, replyToId: p.replyToId };
}

function message(t: FuzzTargets, p: Place, text: string): TestActivity {
  const o = opts(t, p);
  if (p.where === 'channel') return channelMention(text, o);
  if (p.where === 'groupChat') return groupChatMention(text, o);
  return personalMessage(text, o);
}

/** A command word (any case, with Teams' markup around it) and junk arguments. */
export const commandText = (t: FuzzTargets) =>
  fc
    .tuple(
      fc.constantFrom('', '', '/', '<at>Bot</at> ', '<p>', '&nbsp;', ' ', '\u200b', '//'),
      fc.oneof({ arbitrary: fc.constantFrom(...COMMAND_WORDS).chain(randomCase), weight: 6 }, { arbitrary: fc.constantFrom(...NEAR_MISSES), weight: 1 }),
      fc.constantFrom(' ', '\u00a0', '&nbsp;', '\t', '<br>', '\n', ''),
      fc.array(
        fc.oneof(
          requestIdText(t),
          fc.constantFrom(...LIST_FILTERS),
          fc
            .tuple(fc.oneof(fc.constantFrom(...KEYS, ...ODD_KEYS), fc.string({ maxLength: 6 })), fc.oneof(hostileText, fc.constantFrom('"a b"', "'x", '=', '')))
            .map(([k, v]) => `${k}=${v}`),
          hostileText,
        ),
        { maxLength: 6 },
      ),
    )
    .map(([prefix, word, sep, args]) => `${prefix}${word}${sep}${args.join(' ')}`);

/** Replaces or removes (undefined) top-level fields of an activity, and some nested ones. */
const envelopeDamage = fc.array(
  fc.oneof(
    fc.record({
      key: fc.constantFrom(
        'from',
        'recipient',
        'conversation',
        'channelData',
        'serviceUrl',
        'channelId',
        'type',
        'id',
        'timestamp',
        'locale',
        'entities',
        'replyToId',
        'name',
        'value',
        'text',
        'textFormat',
        'attachments',
        'membersAdded',
        'localTimezone',
      ),
      value: fc.option(junkJson, { nil: undefined }),
    }),
    fc.record({
      key: fc.constantFrom(
        'from.id',
        'from.aadObjectId',
        'from.name',
        'recipient.id',
        'conversation.id',
        'conversation.tenantId',
        'conversation.conversationType',
        'channelData.tenant',
        'channelData.tenant.id',
        'channelData.team',
        'channelData.channel',
        'channelData.source',
      ),
      value: fc.option(
        fc.oneof(junkJson, fc.constantFrom('', '19:x@thread.tacv2;messageid=1', '../../etc', 'a/b', '%2F', BOT_ID, '00000000-0000-0000-0000-000000000000')),
        { nil: undefined },
      ),
    }),
    fc.record({
      key: fc.constant('serviceUrl'),
      value: fc.constantFrom('https://smba.trafficmanager.net/teams/', 'https://127.0.0.1@evil.example/', 'not a url', '', 'http://127.0.0.1.evil.example/'),
    }),
  ),
  { maxLength: 3 },
);

function damaged(activity: TestActivity, damage: { key: string; value: unknown }[]): Record<string, unknown> {
  // Copies only along the damaged paths: values can be nested thousands deep.
  const out: Record<string, unknown> = { ...activity };
  for (const { key, value } of damage) {
    const path = key.split('.');
    let at: Record<string, unknown> = out;
    for (const step of path.slice(0, -1)) {
      const next = at[step];
      if (!next || typeof next !== 'object' || Array.isArray(next)) {
        at = {};
        break;
      }
      at = at[step] = { ...(next as Record<string, unknown>) };
    }
    const last = path[path.length - 1];
    if (value === undefined) delete at[last];
    else at[last] = value;
  }
  return out;
}

/** Builds an activity and sometimes damages its envelope. */
const withEnvelope = (label: string, build: fc.Arbitrary<TestActivity>): fc.Arbitrary<FuzzInput> =>
  fc.tuple(build, sometimes(envelopeDamage, 4)).map(([a, damage]) => ({
    kind: 'activity' as const,
    label: damage?.length ? `${label}+envelope` : label,
    activity: damage ? damaged(a, damage) : { ...a },
  }));

export function fuzzInput(t: FuzzTargets): fc.Arbitrary<FuzzInput> {
  const p = place(t);
  const text = withEnvelope(
    'text',
    fc.tuple(p, hostileText).map(([pl, s]) => message(t, pl, s)),
  );
  const command = withEnvelope(
    'command',
    fc.tuple(p, commandText(t)).map(([pl, s]) => message(t, pl, s)),
  );
  const huge = withEnvelope(
    'huge',
    fc.tuple(p, fc.constantFrom('', 'new shortName=', 'status ', 'list ', 'x'), hugeText).map(([pl, w, s]) => message(t, pl, `${w}${s}`)),
  );
  const submit = withEnvelope(
    'submit',
    fc
      .tuple(p, anyVerb)
      .chain(([pl, verb]) => fc.tuple(fc.constant(pl), fc.constant(verb), dataFor(t, verb), sometimes(hostileText, 4)))
      .map(([pl, verb, data, typed]) => {
        const a = actionSubmit({ verb, ...data }, opts(t, pl));
        return typed === undefined ? a : { ...a, text: typed };
      }),
  );
  const execute = withEnvelope(
    'execute',
    fc
      .tuple(p, anyVerb, fc.constantFrom('manual', 'manual', 'automatic', 'unknown', undefined))
      .chain(([pl, verb, trigger]) => fc.tuple(fc.constant(pl), fc.constant(verb), fc.constant(trigger), dataFor(t, verb)))
      .map(([pl, verb, trigger, data]) => {
        const a = actionExecuteInvoke(verb, { verb, ...data }, opts(t, pl));
        const value = a.value as { trigger?: unknown };
        if (trigger === undefined) delete value.trigger;
        else value.trigger = trigger;
        return a;
      }),
  );
  const oddExecute = withEnvelope(
    'execute-odd',
    fc
      .tuple(
        p,
        fc.oneof(
          junkJson,
          fc.record({ action: junkJson }),
          fc.record({
            action: fc.record(
              {
                type: fc.oneof(fc.constantFrom('Action.Execute', 'Action.Submit', 'action.execute', ''), junkJson),
                verb: fc.oneof(anyVerb, junkJson),
                data: junkValue,
              },
              { requiredKeys: [] },
            ),
          }),
        ),
      )
      .map(([pl, value]) => ({ ...actionExecuteInvoke('x', {}, opts(t, pl)), value })),
  );
  const update = withEnvelope(
    'conversationUpdate',
    fc
      .tuple(
        p,
        fc.oneof(
          fc.constant([{ id: BOT_ID }]),
          fc.array(
            fc.oneof(fc.constant({ id: BOT_ID }), fc.record({ id: fc.oneof(hostileText, junkJson), name: hostileText }, { requiredKeys: [] }), junkJson),
            { maxLength: 4 },
          ),
          junkJson,
        ),
        sometimes(junkJson, 4),
      )
      .map(([pl, membersAdded, membersRemoved]) => {
        const a = conversationUpdateBotAdded(opts(t, pl));
        return { ...a, membersAdded, ...(membersRemoved === undefined ? {} : { membersRemoved }) } as TestActivity;
      }),
  );
  const otherType = withEnvelope(
    'other-type',
    fc
      .tuple(
        p,
        fc.constantFrom(
          'typing',
          'event',
          'messageReaction',
          'installationUpdate',
          'messageUpdate',
          'messageDelete',
          'endOfConversation',
          'trace',
          'invoke',
          'Message',
          '',
          'x',
        ),
        fc.option(fc.constantFrom('adaptiveCard/action', 'composeExtension/query', 'task/fetch', 'signin/verifyState', 'application/search', ''), {
          nil: undefined,
        }),
        junkJson,
      )
      .map(([pl, type, name, value]) => ({ ...personalMessage('', opts(t, pl)), type, text: undefined, ...(name === undefined ? {} : { name }), value })),
  );
  const raw: fc.Arbitrary<FuzzInput> = fc
    .tuple(
      fc.oneof(
        fc.constantFrom(
          '',
          'null',
          '[]',
          '[1,2]',
          '"str"',
          '123',
          'true',
          '{',
          '{"type":',
          '{"type":"message"',
          '}{',
          '\u0000',
          '{"type":"message","text":"\ud800"}',
          '{"__proto__":{"type":"message"}}',
        ),
        junkJson.map((v) => JSON.stringify(v) ?? 'null'),
        hostileText,
      ),
      fc.constantFrom(
        'application/json',
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        '',
      ),
    )
    .map(([body, contentType]) => ({ kind: 'raw' as const, label: 'raw', body, contentType }));

  return fc.oneof(
    { arbitrary: command, weight: 8 },
    { arbitrary: text, weight: 4 },
    { arbitrary: submit, weight: 5 },
    { arbitrary: execute, weight: 8 },
    { arbitrary: oddExecute, weight: 2 },
    { arbitrary: update, weight: 2 },
    { arbitrary: otherType, weight: 1 },
    { arbitrary: raw, weight: 2 },
    { arbitrary: huge, weight: 1 },
  );
}

/** Several inputs sent at once. */
export const fuzzBatch = (t: FuzzTargets) => fc.array(fuzzInput(t), { minLength: 1, maxLength: 6 });
