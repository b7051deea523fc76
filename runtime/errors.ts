// Errors of the domain, with the kind of refusal they are: the server answers each kind with one status (not-found
// 404, conflict 409, invalid 400, forbidden 403), the command line with its own words. The runtime knows nothing of HTTP.
export type DomainErrorKind = 'not-found' | 'conflict' | 'invalid' | 'forbidden';

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** What a caller can act on (the field at fault as `issues`, the conflicting state); sent as the error's details. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFoundError = (message: string) => new DomainError('not-found', message);
export const conflictError = (message: string) => new DomainError('conflict', message);
