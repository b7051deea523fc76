// The app's pages by path; the server answers every path with the app, which picks the page here.
import { useSyncExternalStore } from 'react';

export type Route = 'design' | 'runs' | 'agent' | 'do-not-contact' | 'lists';

export function routeOf(pathname: string): Route {
  if (pathname === '/agent' || pathname.startsWith('/agent/')) return 'agent';
  if (pathname === '/runs' || pathname.startsWith('/runs/')) return 'runs';
  if (pathname === '/do-not-contact') return 'do-not-contact';
  if (pathname === '/lists' || pathname.startsWith('/lists/')) return 'lists';
  return 'design';
}

export const routePaths: Record<Route, string> = { design: '/', runs: '/runs', agent: '/agent', 'do-not-contact': '/do-not-contact', lists: '/lists' };

const listeners = new Set<() => void>();
let listening = false;

/** Back and forward move between pages too. Added on first use, so that importing this module touches no window. */
function followHistory(): void {
  if (listening) return;
  listening = true;
  window.addEventListener('popstate', () => {
    for (const l of listeners) l();
  });
}

export function navigate(route: Route): void {
  navigateTo(routePaths[route]);
}

/** Goes to an address inside a page, such as one list at `/lists/<id>`; Back returns to the one before. */
export function navigateTo(path: string): void {
  window.history.pushState(null, '', path);
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  followHistory();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The address's path, followed as it changes (a page that shows one item per address, like `/lists/<id>`). */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => routeOf(window.location.pathname));
}
