// The sign-in token: a session the page gets by exchanging the one-time code of a sign-in link (`?code=`), kept in
// the browser's local storage. The link's code works once, for minutes, so the address bar and the history never
// hold anything that signs anyone in; the server accepts the token only in the Authorization header (and on /ws).
import { routeOf } from '../app/routes.ts';

//
// The agent page keeps its own: a team lead who takes calls at /agent with an agent token in one tab stays signed in
// as a manager in the editor's tab.
const storageKey = () => (routeOf(window.location.pathname) === 'agent' ? 'journey-builder.agent-token' : 'journey-builder.token');

/** Exchanges a sign-in link's code for a session and keeps it; throws with the server's words when it is refused. */
export async function exchangeCode(code: string): Promise<void> {
  const response = await fetch('/api/session/exchange', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });
  const body = (await response.json().catch(() => undefined)) as { token?: string; error?: { message?: string } } | undefined;
  if (!response.ok || !body?.token) throw new Error(body?.error?.message ?? `The server refused the sign-in link (${response.status}).`);
  setToken(body.token);
}

/**
 * Takes a sign-in link's code from the address bar, removing it (and any old-style `?token=`) at once so that it is
 * not bookmarked, shared or kept in the history, and signs in with it. A refused code leaves the page signed out,
 * with the reason for the sign-in form to show.
 */
export async function captureSignInFromUrl(): Promise<string | undefined> {
  const url = new URL(window.location.href);
  const code = url.searchParams.get('code');
  if (!code && !url.searchParams.has('token')) return undefined;
  url.searchParams.delete('code');
  url.searchParams.delete('token');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  if (!code) return 'Sign-in links with ?token= are no longer accepted: ask for a new sign-in link.';
  try {
    await exchangeCode(code);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** What a person pasted into a sign-in form: a sign-in link (its code is exchanged) or an API token (kept as is). */
export async function signInWith(text: string): Promise<void> {
  const trimmed = text.trim();
  if (!trimmed) return;
  let code: string | null = trimmed.startsWith('jc_') ? trimmed : null;
  try {
    code ??= new URL(trimmed).searchParams.get('code');
  } catch {
    // Not an address: a token.
  }
  if (code) await exchangeCode(code);
  else setToken(trimmed);
}

export function getToken(): string | null {
  return localStorage.getItem(storageKey());
}

export function setToken(token: string): void {
  localStorage.setItem(storageKey(), token);
}

export function clearToken(): void {
  localStorage.removeItem(storageKey());
}
