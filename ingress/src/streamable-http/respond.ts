import { WireError } from '../errors.js';
import type { Exchange, HeaderMap } from '../http/exchange.js';
import { errorResponse, type JsonRpcId } from '../jsonrpc/error-response.js';

/** How to answer with an error. */
export interface ErrorReplyOptions {
  id?: JsonRpcId;
  /** Overrides the error's own HTTP status. */
  status?: number;
  headers?: HeaderMap;
  closeConnection?: boolean;
}

/** Answers with a JSON-RPC error body and the error's HTTP status. */
export function respondError(exchange: Exchange, error: WireError, options: ErrorReplyOptions = {}): void {
  exchange.respond(
    options.status ?? error.status,
    { 'Content-Type': 'application/json', ...options.headers },
    errorResponse(options.id ?? null, error.jsonRpcCode, error.message),
    options.closeConnection ?? false,
  );
}

/** The WireError to answer for anything thrown: itself when it carries a wire code, else an internal error. */
export function asWireError(err: unknown): WireError {
  const candidate = err as Partial<WireError> | null;
  if (typeof candidate?.code === 'string' && typeof candidate.status === 'number' && typeof candidate.jsonRpcCode === 'number') {
    return candidate as WireError;
  }
  return new WireError('SLUICE_INGRESS_INTERNAL', 'Internal error', err);
}
