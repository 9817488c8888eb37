/**
 * The one rule for what is a secret, by name: a form field, script parameter, custom variable,
 * config key or JSON key whose name looks like one. Secrets are masked on cards, sealed at rest,
 * redacted in logs and scrubbed from what Live Platform echoes back.
 */
/** The words that make a name secret, as a regular-expression alternation (for text scrubbers). */
export const SECRET_WORDS = 'password|passwd|secret|token|authorization|api[-_]?key';
const SECRET_NAME = new RegExp(SECRET_WORDS, 'i');

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}
