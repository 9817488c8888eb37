import { UmpAuthError, UmpDeploymentError, UmpError, UmpHttpError, UmpShapeError, UmpValidationError } from '../ump/errors';
import { fieldSpec, formFieldOf } from './fields';
import type { ProgressSnapshot } from '../ump/types';
import { Failure } from './request';

const AGAIN = 'Type new to start a fresh request once the cause is fixed.';
const FIX = 'Nothing was created. Click Fix and resubmit (or type retry with the request id) to correct the fields marked in the form.';

/** Live Platform's field errors under the form's field ids, each message kept as the server wrote it. */
export function formFieldErrors(serverErrors: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, messages] of Object.entries(serverErrors)) (out[formFieldOf(name)] ??= []).push(...messages);
  return out;
}

/** Each field error under the field's name as the form shows it ("Short name"). */
export function namedFieldErrors(errors: Record<string, string[]>): { field: string; message: string }[] {
  return Object.entries(errors).map(([id, m]) => ({ field: id === 'form' ? 'Request' : fieldName(id), message: m.join(' ') }));
}

/** "Short name: A customer with … exists" — a field error as a line of text says it. */
export function fieldErrorLines(errors: Record<string, string[]>): string[] {
  return namedFieldErrors(errors).map((e) => `${e.field}: ${e.message}`);
}

function fieldName(id: string): string {
  try {
    return fieldSpec(id).name;
  } catch {
    return id;
  }
}

/**
 * Turns a failed create call into what the card shows: the cause and what to do next. Transient
 * failures (timeouts, network, 5xx) never get here: the runner retries them.
 */
export function failureFromError(err: unknown, opts: { earlierAttempt?: boolean; shortName?: string } = {}): Failure {
  const f = failureOfError(err);
  if (!opts.earlierAttempt || !f.nothingCreated) return f;
  // An earlier create may have reached Live Platform before the bot lost track (a restart, no answer).
  const { nothingCreated: _unknown, ...uncertain } = f;
  return {
    ...uncertain,
    hint: `An earlier attempt of this request may have reached Live Platform, so the customer may exist: look for ${opts.shortName ?? 'it'} in the Live Platform portal before trying again.`,
  };
}

function failureOfError(err: unknown): Failure {
  if (err instanceof UmpValidationError) {
    const fieldErrors = formFieldErrors(err.fieldErrors);
    const lines = fieldErrorLines(fieldErrors);
    return {
      step: 'Submit to Live Platform',
      message: lines.length ? `Live Platform rejected the request. ${lines.join('; ')}` : err.userMessage,
      traceId: err.traceId,
      errorTicket: err.errorTicket,
      hint: FIX,
      ...(lines.length ? { fieldErrors } : {}),
      nothingCreated: true,
    };
  }
  if (err instanceof UmpAuthError) {
    return {
      step: 'Sign in to Live Platform',
      message: err.userMessage,
      hint: 'Nothing was created. Ask the bot administrator to fix the Live Platform credentials, then type retry with the request id.',
      nothingCreated: true,
    };
  }
  if (err instanceof UmpDeploymentError) {
    return {
      step: 'Submit to Live Platform',
      message: err.userMessage,
      errorDetails: err.errorDetails,
      traceId: err.traceId,
      errorTicket: err.errorTicket,
      hint: AGAIN,
    };
  }
  if (err instanceof UmpShapeError) {
    return {
      step: 'Submit to Live Platform',
      message: 'Live Platform answered in a way the bot does not understand.',
      hint: 'Check the customer in the Live Platform portal before trying again.',
    };
  }
  if (err instanceof UmpError) {
    // A 4xx is a refusal: Live Platform did not take the request, so nothing exists to be created twice.
    const refused = err instanceof UmpHttpError && err.status >= 400 && err.status < 500;
    return {
      step: 'Submit to Live Platform',
      message: err.userMessage,
      traceId: err.traceId,
      errorTicket: err.errorTicket,
      hint: refused ? 'Nothing was created. Fix the cause, then click Fix and resubmit (or type retry with the request id).' : AGAIN,
      ...(refused ? { nothingCreated: true } : {}),
    };
  }
  return { message: 'An unexpected error stopped the request.', hint: 'Check the customer in the Live Platform portal before trying again.' };
}

/** The failure a terminal snapshot describes: the failing step and the server's own words. */
export function failureFromSnapshot(s: ProgressSnapshot): Failure {
  const errorStep = [...s.steps].reverse().find((st) => st.level === 'Error');
  const last = s.steps[s.steps.length - 1];
  return {
    step: errorStep?.message ?? last?.message,
    message: s.errorDetails ?? errorStep?.message ?? `Live Platform reported the deployment as ${s.rawState ?? 'failed'}.`,
    errorDetails: s.errorDetails,
    traceId: s.traceId,
    hint: 'Look at the failing step above. Fix its cause in Live Platform (the customer may exist in a failed state and need removing there), then type new to try again.',
  };
}
