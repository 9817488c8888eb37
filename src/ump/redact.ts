import { isSecretName, scrubSecrets, SECRET_WORDS } from '../secrets';

/**
 * Redaction for anything that may end up in a log or an error: bodies we did not expect, request logs.
 * Live Platform returns CarrierUserPassword in clear in some answers, so bodies are scrubbed by key,
 * by pattern when they are not JSON, and by the exact secret values the caller knows about.
 */

export const REDACTED = '[redacted]';
const MAX_DEPTH = 12;
/** `"CarrierUserPassword": "…"` inside text that is not valid JSON. */
const QUOTED_SECRET = new RegExp(`("[^"]*(?:${SECRET_WORDS})[^"]*"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"?`, 'gi');
/** `client_secret=…` in form-encoded or query text. */
const ASSIGNED_SECRET = new RegExp(`\\b(\\w*(?:${SECRET_WORDS})\\w*)=[^&\\s]*`, 'gi');

export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretName(k) && v != null && v !== '' ? REDACTED : redactValue(v, depth + 1);
  }
  return out;
}

export function redactText(text: string, knownSecrets: readonly string[] = [], maxLength = 4000): string {
  let out: string;
  try {
    out = JSON.stringify(redactValue(JSON.parse(text)));
  } catch {
    out = text
      .replace(QUOTED_SECRET, `$1"${REDACTED}"`)
      .replace(ASSIGNED_SECRET, `$1=${REDACTED}`)
      .replace(/\bBearer\s+[\w.~+/=-]+/g, `Bearer ${REDACTED}`);
  }
  out = scrubSecrets(out, knownSecrets, REDACTED);
  return out.length > maxLength ? `${out.slice(0, maxLength)}… (${out.length - maxLength} more characters)` : out;
}
