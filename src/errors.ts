/**
 * Errors that know what to tell the user. Anything else reaching the error funnel is a bug and
 * the user only sees a generic line with a correlation id.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    /** Safe to show in chat: says what happened and what to do. Never contains secrets. */
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
    this.name = 'AppError';
  }
}

export function userMessageOf(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'userMessage' in err && typeof (err as { userMessage: unknown }).userMessage === 'string') {
    return (err as { userMessage: string }).userMessage;
  }
  return undefined;
}
