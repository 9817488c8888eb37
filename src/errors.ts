/**
 * What an error says to the user, if it knows (UmpError and any error with a `userMessage`).
 * Anything else reaching the error funnel is a bug: the user gets a generic line and a correlation id.
 */
export function userMessageOf(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'userMessage' in err && typeof (err as { userMessage: unknown }).userMessage === 'string') {
    return (err as { userMessage: string }).userMessage;
  }
  return undefined;
}
