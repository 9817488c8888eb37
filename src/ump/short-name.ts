/**
 * The documented short-name rule of `POST /api/v2/customer`: 3–15 characters; letters, digits and
 * other printable characters, but no spaces, no dot and none of \ / : * ? " < > |.
 * (A stricter sibling endpoint allows only letters, digits and underscore; that rule is not this one.)
 * Returns one sentence per broken part, so a form can say exactly what to fix; empty when valid.
 */

export const SHORT_NAME_MIN = 3;
export const SHORT_NAME_MAX = 15;
const FORBIDDEN = ['\\', '/', ':', '*', '?', '"', '<', '>', '|'];

export function shortNameProblems(name: string): string[] {
  const problems: string[] = [];
  const chars = [...name];
  if (chars.length < SHORT_NAME_MIN || chars.length > SHORT_NAME_MAX) {
    problems.push(`The short name must be ${SHORT_NAME_MIN} to ${SHORT_NAME_MAX} characters long; it has ${chars.length}.`);
  }
  if (chars.some((c) => /\s/u.test(c))) problems.push('The short name must not contain spaces.');
  if (chars.includes('.')) problems.push('The short name must not contain a dot.');
  const forbidden = FORBIDDEN.filter((c) => chars.includes(c));
  if (forbidden.length > 0) {
    problems.push(`The short name must not contain any of \\ / : * ? " < > | (found ${forbidden.join(' ')}).`);
  }
  if (chars.some((c) => /\p{C}/u.test(c) && !/\s/u.test(c))) {
    problems.push('The short name must contain only printable characters.');
  }
  return problems;
}
