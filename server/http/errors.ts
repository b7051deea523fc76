// Every failure the API reports has one shape, `{ error: { code, message, details } }`, and the status that fits it.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { DomainError, type DomainErrorKind } from '../../runtime/errors.ts';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500;

export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** A thing the request names that is not there: answered 404 by onError, as every not-found domain error is. */
export const notFound = (what: string) => new DomainError('not-found', `${what} does not exist`);

/** The one place a domain error's kind becomes a status and a code: routes throw (or let through) the runtime's errors. */
export const domainStatus: Record<DomainErrorKind, { status: ErrorStatus; code: string }> = {
  'not-found': { status: 404, code: 'not_found' },
  conflict: { status: 409, code: 'conflict' },
  invalid: { status: 400, code: 'bad_request' },
  forbidden: { status: 403, code: 'forbidden' },
};

export function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(details && { details }) } };
}

/** Zod's issues as `{ path, message }` with the path as a JSON pointer into the body or query. */
export function zodIssues(error: ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: `/${issue.path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`,
    message: issue.message,
  }));
}

export function onError(error: Error, c: Context): Response {
  if (error instanceof ApiError) return c.json(errorBody(error.code, error.message, error.details), error.status as ContentfulStatusCode);
  if (error instanceof DomainError) {
    const { status, code } = domainStatus[error.kind];
    return c.json(errorBody(code, error.message, error.details), status as ContentfulStatusCode);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    const code = status === 413 ? 'too_large' : status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : 'bad_request';
    const message = status === 413 ? 'The request body is larger than this route accepts' : error.message || 'The request could not be used';
    return c.json(errorBody(code, message), status as ContentfulStatusCode);
  }
  if (error instanceof SyntaxError) return c.json(errorBody('bad_request', `The body is not valid JSON: ${error.message}`), 400);
  console.error(error);
  return c.json(errorBody('internal', 'Something went wrong on the server; the error is in its log'), 500);
}
