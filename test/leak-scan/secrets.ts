import { escapeMarkdown } from '../../src/cards/render';
import { SANDBOX_DEFAULTS } from '../../src/sandbox/ump-sandbox';
import { TEST_ENCRYPTION_KEY } from '../helpers/bot-harness';
import { CARRIER_PASSWORD } from '../helpers/sandbox-support';
import { VALID_FORM } from '../helpers/world';

/**
 * Every secret value the tests hand to the bot, in one list: none of them may appear in any card,
 * invoke answer, log line, error message or store file a test produced (teardown.ts scans for them).
 * Exported test constants are imported; values that live as a local constant in one test file are
 * written here with that file as `source` (scanner.test.ts checks each is still there, so a renamed
 * secret cannot silently drop out of the scan).
 */
export interface KnownSecret {
  /** How a finding names it; never the value. */
  name: string;
  value: string | Buffer;
  /** The file that defines a literal copied here. */
  source?: string;
}

export interface SecretPattern {
  name: string;
  /** Global, so every occurrence is found. */
  regex: RegExp;
}

export const KNOWN_SECRETS: readonly KnownSecret[] = [
  { name: 'carrier password of VALID_FORM (test/helpers/world.ts)', value: VALID_FORM.CarrierUserPassword },
  { name: 'CARRIER_PASSWORD (test/helpers/sandbox-support.ts)', value: CARRIER_PASSWORD },
  { name: 'carrier password of the secrets suite', value: 'Zq9-Unique-Carrier-Pw!', source: 'test/flow/secrets.test.ts' },
  { name: 'secret custom variable SipTrunkPassword of the secrets suite', value: 'Tr9-Unique-Trunk-Secret', source: 'test/flow/secrets.test.ts' },
  { name: 'carrier password typed into a reloaded form', value: 'pw-not-shown', source: 'test/flow/form.test.ts' },
  { name: 'carrier password of the store contract', value: 'Sup3r-Secret-Carrier-Pw', source: 'test/contracts/request-store.contract.ts' },
  { name: 'carrier password of the Playground commands suite', value: 'Pg-Carrier-Secret-1', source: 'test/e2e/playground-commands.test.ts' },
  { name: 'carrier password of the Playground Fix and resubmit', value: 'Pg-Carrier-Secret-2', source: 'test/e2e/playground-commands.test.ts' },
  { name: 'MICROSOFT_APP_PASSWORD of the signed-mode tests', value: 'not-used-in-this-test', source: 'test/helpers/bot-harness.ts' },
  { name: "the Live Platform sandbox's client secret (UMP_CLIENT_SECRET)", value: SANDBOX_DEFAULTS.clientSecret },
  { name: 'TEST_ENCRYPTION_KEY (base64)', value: TEST_ENCRYPTION_KEY },
  { name: 'TEST_ENCRYPTION_KEY (hex)', value: Buffer.from(TEST_ENCRYPTION_KEY, 'base64').toString('hex') },
  { name: 'TEST_ENCRYPTION_KEY (raw bytes)', value: Buffer.from(TEST_ENCRYPTION_KEY, 'base64') },
];

/**
 * Secrets known by their shape rather than their value. The sandbox issues `sbx.` + 24 random bytes
 * in base64url (src/sandbox/token-endpoint.ts); a piece of 12 characters or more counts too (a
 * token cut short in a log line is still a leak). scanner.test.ts checks a freshly issued token
 * still matches, so a change of format there cannot blind the scan.
 */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { name: 'a bearer token issued by the Live Platform sandbox', regex: /(?<![A-Za-z0-9_-])sbx\.[A-Za-z0-9_-]{12,}/g },
  { name: 'a bearer token in an Authorization value', regex: /Bearer\s+(?!\[redacted\])[A-Za-z0-9._~+/-]{16,}=*/g },
];

/** A secret as the bytes to look for, in each form it could take on the way out. */
export interface Needle {
  name: string;
  bytes: Buffer;
}

/**
 * The forms a string secret takes in what is scanned: as is; escaped for Markdown (card text); inside
 * a JSON string, once or twice (a card inside an activity inside a JSON log line); URL-encoded.
 */
export function needlesOf(secrets: readonly KnownSecret[]): Needle[] {
  const out: Needle[] = [];
  for (const s of secrets) {
    if (Buffer.isBuffer(s.value)) {
      out.push({ name: s.name, bytes: s.value });
      continue;
    }
    const forms = new Set<string>();
    for (const base of [s.value, escapeMarkdown(s.value)]) {
      const once = JSON.stringify(base).slice(1, -1);
      forms.add(base).add(once).add(JSON.stringify(once).slice(1, -1));
    }
    forms.add(encodeURIComponent(s.value));
    for (const f of forms) out.push({ name: s.name, bytes: Buffer.from(f, 'utf8') });
  }
  return out;
}
