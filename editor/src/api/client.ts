// Calls to the server's API as the signed-in page; errors become ApiError with the server's plain message. The page
// holds no token: its session is an HttpOnly cookie the browser sends with same-origin requests (see token.ts).
// `apiClient` is typed from the server's routes (hono/client over the app's type): a renamed path, parameter or field
// fails the build. The one call made with fetch itself is the CSV upload (lists-api.ts), which sends a file as the body.
import { hc, type ClientResponse } from 'hono/client';
import type { Problem } from '../../../schemas/problems.ts';
import type { AppRoutes } from '../../../server/app.ts';
import { routeOf } from '../app/routes.ts';
import type { ApiErrorBody } from './types.ts';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly problems: Problem[] = [],
    /** The server's error code (`edit_conflict`, `invalid_journey`) and details, for errors the editor acts on. */
    readonly code?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * The headers that sign a request in; a call made with fetch (a file sent as the body) adds them as `apiClient` does
 * (fetch sends the session cookie with same-origin requests by default). The session is the cookie; this says which page's it is:
 * the agent page keeps a sign-in of its own (`X-Journey-Page: agent`), so a team lead can take calls there as an agent
 * while signed in to the editor as a manager in another tab.
 */
export function authHeader(): Record<string, string> {
  return thisPage() === 'agent' ? { 'X-Journey-Page': 'agent' } : {};
}

/** The page whose sign-in this is: the agent page's, or the editor's (every other page of the app). */
export const thisPage = (): 'agent' | 'editor' => (routeOf(window.location.pathname) === 'agent' ? 'agent' : 'editor');

/** The API's routes, typed from the server: `apiClient.runs[':id'].pause.$post({ param: { id } })`. Path parameters are sent as given: encode them. */
export const apiClient = hc<AppRoutes>('/', { headers: authHeader, init: { credentials: 'same-origin' } }).api;

type Success = 200 | 201 | 202 | 204;
/** The body of a typed call's successful answers (the error answers' bodies are left out: those are thrown). */
export type Answer<R> = R extends ClientResponse<infer T, infer S, infer _F> ? (S extends Success ? T : never) : never;

/** Awaits a typed call: its successful body, or ApiError with the server's message, as `request` does. */
export async function call<R extends ClientResponse<unknown, number, string>>(pending: Promise<R>): Promise<Answer<R>> {
  return read<Answer<R>>((await pending) as unknown as Response);
}

async function read<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (data as ApiErrorBody | undefined)?.error;
    const message =
      response.status === 401
        ? 'You are not signed in, or your sign-in link has expired. Open the sign-in link you were given.'
        : response.status === 403
          ? 'Your account is not allowed to do this. Ask an administrator for editor rights.'
          : (error?.message ??
            (response.status >= 500
              ? 'The server is not available right now; try again in a moment.'
              : `The server refused the request (${response.status}).`));
    throw new ApiError(response.status, message, error?.details?.problems ?? [], error?.code, error?.details as Record<string, unknown> | undefined);
  }
  return data as T;
}

const enc = encodeURIComponent;
const journey = (id: string) => ({ param: { id: enc(id) } });

export const api = {
  session: () => call(apiClient.session.$get()),
  listJourneys: () => call(apiClient.journeys.$get()).then((r) => r.journeys),
  getJourney: (id: string) => call(apiClient.journeys[':id'].$get(journey(id))),
  createJourney: (doc: unknown) => call(apiClient.journeys.$post({ json: doc as Record<string, unknown> })),
  /** With `etag`, the save is refused (409 edit_conflict) if someone else has saved the draft since. */
  saveJourney: (id: string, doc: unknown, etag?: string) =>
    call(apiClient.journeys[':id'].$put({ ...journey(id), json: doc as Record<string, unknown> }, etag ? { headers: { 'If-Match': etag } } : {})),
  publish: (id: string, message: string) => call(apiClient.journeys[':id'].versions.$post({ ...journey(id), json: { message } })),
  versions: (id: string) => call(apiClient.journeys[':id'].versions.$get(journey(id))).then((r) => r.versions),
  version: (id: string, version: number) => call(apiClient.journeys[':id'].versions[':version'].$get({ param: { id: enc(id), version: String(version) } })),
  diff: (id: string, from: number, to: number | 'draft') =>
    call(apiClient.journeys[':id'].diff.$get({ ...journey(id), query: { from: String(from), to: String(to) } })),
  queues: () => call(apiClient.queues.$get()).then((r) => r.queues),
  contactLists: () => call(apiClient['contact-lists'].$get()).then((r) => r.lists),
  contacts: (listId: string, limit: number) =>
    call(apiClient['contact-lists'][':id'].contacts.$get({ param: { id: enc(listId) }, query: { limit: String(limit) } })).then((r) => r.contacts),
};
