// The sign-in token: taken from the `?token=` of a sign-in link, then kept in the browser's local storage.
import { routeOf } from '../app/routes.ts';

//
// The agent page keeps its own: a team lead who takes calls at /agent with an agent token in one tab stays signed in
// as a manager in the editor's tab.
const storageKey = () => (routeOf(window.location.pathname) === 'agent' ? 'journey-builder.agent-token' : 'journey-builder.token');

/** Reads a token from the address bar (and removes it from there, so it is not bookmarked or shared). */
export function captureTokenFromUrl(): void {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (!token) return;
  localStorage.setItem(storageKey(), token);
  url.searchParams.delete('token');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
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
