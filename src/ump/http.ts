import { createHttpSend, HttpNetworkError, HttpTimeoutError, type HttpSend } from '../outbound/http';
import { UmpNetworkError, UmpTimeoutError } from './errors';

export type { HttpRequest, HttpResponse, HttpSend } from '../outbound/http';

/**
 * The shared wire, with its failures in the Live Platform error family (each carries a message
 * for the user that names the setting to check).
 */
export function createUmpHttpSend(send: HttpSend = createHttpSend()): HttpSend {
  return (req) =>
    send(req).catch((err: unknown) => {
      if (err instanceof HttpTimeoutError) throw new UmpTimeoutError(err.method, err.path, err.timeoutMs);
      if (err instanceof HttpNetworkError) throw new UmpNetworkError(err.method, err.path, err.networkCode);
      throw err;
    });
}
