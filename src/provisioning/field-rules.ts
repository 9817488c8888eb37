/**
 * What characters each text may hold. Live Platform substitutes script parameters and custom
 * variables into SBC configuration scripts, so a line break or a control character in one of them
 * is a command injected into an SBC (`sip.example.com\nexit\nconfigure network`). Every text is
 * refused control characters and line breaks, except where a field is documented as multi-line (the
 * free-form `name=value` box, one variable per line); each script parameter also has a rule for what
 * it is: a host name, a phone line, a name, an id.
 */

export type CharRule = 'host' | 'e164' | 'name' | 'sipUser' | 'id' | 'secret' | 'text';

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINES = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;

const RULES: Record<Exclude<CharRule, 'secret' | 'text'>, { re: RegExp; says: string }> = {
  // A DNS name or an IPv4 address, optionally with a port: what an SBC accepts as a destination.
  host: {
    re: /^(?=.{1,253}(?::\d{1,5})?$)(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?))*)(?::\d{1,5})?$/,
    says: 'a host name or IP address (letters, digits, dots and hyphens, optionally :port), e.g. sip.carrier.example.net',
  },
  e164: { re: /^\+?[0-9]{3,15}$/, says: 'a phone number in E.164 form: an optional + and 3 to 15 digits, e.g. +4930123456' },
  name: { re: /^[\p{L}\p{N}][\p{L}\p{N} ._()/+-]{0,199}$/u, says: 'letters, digits, spaces and . _ ( ) / + -' },
  sipUser: { re: /^[A-Za-z0-9._~+\-!$&'*=%@]{1,60}$/, says: 'the characters of a SIP user name (no spaces)' },
  id: { re: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, says: 'letters, digits, _ and - (an id from Live Platform)' },
};

/** What is wrong with `value` under `rule`, in words for the person who typed it; empty when fine. */
export function charProblems(fieldName: string, value: string, rule: CharRule, opts: { multiline?: boolean } = {}): string[] {
  const control = opts.multiline ? CONTROL_BUT_NEWLINES : CONTROL;
  if (control.test(value)) {
    return [
      opts.multiline
        ? `${fieldName} must not contain control characters (tabs and the like); put one name=value per line`
        : `${fieldName} must be a single line without control characters: line breaks would reach the SBC's configuration script`,
    ];
  }
  if (rule === 'secret' || rule === 'text') return [];
  const r = RULES[rule];
  return r.re.test(value) ? [] : [`${fieldName} must be ${r.says}`];
}

/** A custom variable's value: one line, no control characters (Live Platform puts it into the script as is). */
export function variableValueProblems(name: string, value: string): string[] {
  return charProblems(name, value, 'text');
}
