/**
 * The one rule for what is a secret, by name: a form field, script parameter, custom variable,
 * config key or JSON key whose name looks like one. Secrets are masked on cards, sealed at rest,
 * redacted in logs and scrubbed from what Live Platform echoes back (docs/security.md).
 */

/** Parts of a name that make it secret wherever they appear (`SipTrunkPassword`, `client_secret`, `x-auth-token`). */
const SECRET_PARTS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'credential', 'authorization', 'apikey', 'privatekey'];
/** Words that make a name secret when they are a word of it (`SipPin`, `PreSharedKey`, `Psk`, `SbcPwd`), not inside another (`Mapping`). */
const SECRET_WORDS_OF_NAME = new Set(['pwd', 'pass', 'pin', 'psk', 'key', 'otp', 'cred', 'creds']);
/** Our own identifiers that end in "key" but guard nothing. */
const NOT_SECRET = new Set(['formkey', 'idempotencykey', 'cachekey', 'noticekey', 'sortkey']);

/** The words that make a name secret, as a regular-expression alternation (for scrubbers of text that is not JSON). */
export const SECRET_WORDS = 'password|passwd|passphrase|secret|token|credential|authorization|api[-_]?key|private[-_]?key|pwd|psk';

/** `SipTrunkPIN_code` → ['sip', 'trunk', 'pin', 'code']. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function isSecretName(name: string): boolean {
  const flat = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (NOT_SECRET.has(flat)) return false;
  if (SECRET_PARTS.some((p) => flat.includes(p))) return true;
  return wordsOf(name).some((w) => SECRET_WORDS_OF_NAME.has(w));
}

/** Shorter values would shred unrelated text; they are not worth hiding from a log anyway. */
const MIN_SCRUBBED_LENGTH = 4;
export const SCRUBBED = '••••••';

/**
 * `text` with every known secret value replaced, also as it appears JSON-escaped or URL-encoded
 * (Live Platform echoes script variables into step messages and error details).
 */
export function scrubSecrets(text: string, secrets: readonly string[], mask = SCRUBBED): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < MIN_SCRUBBED_LENGTH) continue;
    for (const form of new Set([s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)])) out = out.split(form).join(mask);
  }
  return out;
}
