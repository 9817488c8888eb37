import { UmpAuthError, UmpDeploymentError, UmpError, UmpShapeError, UmpValidationError } from '../ump/errors';
import type { ProgressSnapshot } from '../ump/types';
import { Failure } from './request';

const AGAIN = 'Type new to start a fresh request once the cause is fixed.';

/**
 * Turns a failed create call into what the card shows: the cause and what to do next. Transient
 * failures (timeouts, network, 5xx) never get here: the runner retries them.
 */
export function failureFromError(err: unknown): Failure {
  if (err instanceof UmpValidationError) {
    const fields = Object.entries(err.fieldErrors).map(([k, v]) => `${k}: ${v.join(' ')}`);
    return {
      step: 'Submit to Live Platform',
      message: fields.length ? `Live Platform rejected the request. ${fields.join('; ')}` : err.userMessage,
      traceId: err.traceId,
      errorTicket: err.errorTicket,
      hint: `Nothing was created. Correct the values above. ${AGAIN}`,
    };
  }
  if (err instanceof UmpAuthError) {
    return {
      step: 'Sign in to Live Platform',
      message: err.userMessage,
      hint: 'Nothing was created. Ask the bot administrator to fix the Live Platform credentials, then try again.',
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
    return { step: 'Submit to Live Platform', message: err.userMessage, traceId: err.traceId, errorTicket: err.errorTicket, hint: AGAIN };
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
