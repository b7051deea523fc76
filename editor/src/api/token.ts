// Signing the page in and out. The page never holds a token: the server keeps its session in an HttpOnly,
// SameSite=Strict cookie that no script on the page can read and no other site's page can send, and the page learns
// whether it is signed in from GET /api/session. A sign-in link carries a one-time code that works once, for minutes,
// so the address bar and the history never hold anything that signs anyone in. The agent page's sign-in is kept
// apart from the editor's (`authHeader` in client.ts says which page a request comes from).
import { ApiError, apiClient, call, thisPage } from './client.ts';

/** The page a sign-in or sign-out is for, said in so many words (the typed client's headers say it too). */
const page = () => ({ 'x-journey-page': thisPage() });

/**
 * Signs the page in with a code or a token; when refused, throws the server's own words (which say whether the link
 * was used, expired or the token is unknown), not the general "not signed in" other calls say on a 401.
 */
async function exchange(json: { code: string } | { token: string }): Promise<void> {
  const response = await apiClient.session.exchange.$post({ header: page(), json });
  if (response.ok) return;
  const body = (await response.json().catch(() => undefined)) as { error?: { message?: string; code?: string } } | undefined;
  throw new ApiError(response.status, body?.error?.message ?? `The server refused the sign-in (${response.status}).`, [], body?.error?.code);
}

/** Exchanges a sign-in link's code for the page's session cookie; throws with the server's words when it is refused. */
export const exchangeCode = (code: string): Promise<void> => exchange({ code });

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

/**
 * What a person pasted into a sign-in form: a sign-in link or its code, or an API token. Either is sent to the server
 * once, which answers with the page's session cookie; the page keeps nothing.
 */
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
  else await exchange({ token: trimmed });
}

/** Signs the page out: the server ends its session and removes the cookie. */
export async function signOut(): Promise<void> {
  await call(apiClient.session['sign-out'].$post({ header: page() }));
}
