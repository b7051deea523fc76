// One place maps the runtime's error kinds to statuses, keeping the `{ error: { code, message, details } }` body.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { DomainError, type DomainErrorKind } from '../../runtime/errors.ts';
import { ApiError, onError } from './errors.ts';

function answering(error: Error) {
  const app = new Hono();
  app.onError(onError);
  app.get('/', () => {
    throw error;
  });
  return app.request('/');
}

describe('onError', () => {
  it.each([
    ['not-found', 404, 'not_found'],
    ['conflict', 409, 'conflict'],
    ['invalid', 400, 'bad_request'],
    ['forbidden', 403, 'forbidden'],
  ] as [DomainErrorKind, number, string][])('answers a %s domain error with %i %s', async (kind, status, code) => {
    const res = await answering(new DomainError(kind, 'Said why', kind === 'invalid' ? { issues: [{ path: '/x', message: 'bad' }] } : undefined));
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({
      error: { code, message: 'Said why', ...(kind === 'invalid' && { details: { issues: [{ path: '/x', message: 'bad' }] } }) },
    });
  });

  it('answers a subclass by its kind, and an ApiError by its own status and code', async () => {
    class Taken extends DomainError {
      constructor() {
        super('conflict', 'Taken already');
      }
    }
    expect((await answering(new Taken())).status).toBe(409);
    const res = await answering(new ApiError(422, 'invalid_journey', 'Has errors', { problems: [] }));
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: { code: 'invalid_journey', message: 'Has errors', details: { problems: [] } } });
  });

  it('answers anything else with 500 and keeps its words in the log', async () => {
    const log = console.error;
    console.error = () => {};
    try {
      const res = await answering(new Error('secret detail'));
      expect(res.status).toBe(500);
      expect(JSON.stringify(await res.json())).not.toContain('secret');
    } finally {
      console.error = log;
    }
  });
});
