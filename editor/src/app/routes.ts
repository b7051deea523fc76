// The app's pages by path; the server answers every path with the app, which picks the page here.
import { useSyncExternalStore } from 'react';

export type Route = 'design' | 'runs' | 'agent' | 'do-not-contact';

export function routeOf(pathname: string): Route {
  if (pathname === '/agent' || pathname.startsWith('/agent/')) return 'agent';
  if (pathname === '/runs' || pathname.startsWith('/runs/')) return 'runs';
  if (pathname === '/do-not-contact') return 'do-not-contact';
  return 'design';
}

export const routePaths: Record<Route, string> = { design: '/', runs: '/runs', agent: '/agent', 'do-not-contact': '/do-not-contact' };

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
  window.history.pushState(null, '', routePaths[route]);
  for (const l of listeners) l();
}

export function useRoute(): Route {
  return useSyncExternalStore(
    (listener) => {
      followHistory();
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => routeOf(window.location.pathname),
  );
}
