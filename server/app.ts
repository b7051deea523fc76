// The HTTP app: the API routes composed per resource under /api, the OpenAPI document, /metrics, and the editor.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Store } from '../runtime/store/dialect.ts';
import { requestPage, requireRole, sessionCookies } from './http/auth.ts';
import { errorBody, onError } from './http/errors.ts';
import { maxJsonDepth, tooDeep } from './http/json-depth.ts';
import { FailedAuthThrottle, remoteAddress, tooManyFailuresMessage } from './http/throttle.ts';
import { router } from './http/openapi.ts';
import type { LiveHub } from './live/hub.ts';
import { prometheusText } from './prometheus.ts';
import { sessionRoutes, tokenRoutes } from './routes/access.ts';
import { agentRoutes, queueRoutes, runAgentRoutes } from './routes/agent.ts';
import { auditRoutes, runAuditRoutes } from './routes/audit.ts';
import { complianceRoutes } from './routes/compliance.ts';
import { complianceReportRoutes } from './routes/compliance-report.ts';
import { contactListRoutes } from './routes/contact-lists.ts';
import { importRoutes } from './routes/imports.ts';
import { journeyRoutes } from './routes/journeys.ts';
import { runContactRoutes } from './routes/run-contacts.ts';
import { runResultRoutes } from './routes/run-results.ts';
import { runRoutes } from './routes/runs.ts';
import { schemaRoutes } from './routes/schemas.ts';
import { openPixelRoutes, trackedLinkRoutes } from './routes/tracked-links.ts';
import { twilioRoutes } from './routes/twilio.ts';
import type { Runner } from './runner.ts';

/** JSON bodies beyond this are refused with 413; a journey file is a few kilobytes, a large one a few hundred. */
export const maxJsonBytes = 5 * 1024 * 1024;
export { maxRegistryBytes } from './routes/compliance.ts';

/**
 * On every answer. Scripts come only from the server's own files (the built editor has no inline script); styles may
 * be inline because React Flow positions nodes with style attributes. The live WebSocket is same-origin ('self').
 * No page may frame the app, and no address (which may carry a run id) leaves in a Referer.
 */
const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
  xContentTypeOptions: 'nosniff',
  // The open pixel (/o/...) is an image on other sites' pages (webmail); same-origin would blank it there.
  crossOriginResourcePolicy: false,
});

/** Where a sign-in link's one-time code is exchanged for a session: a wrong code there counts as a failed sign-in. */
const signInExchangePath = '/api/session/exchange';

/**
 * Whether a request carried anything that claims to sign in: an Authorization header, or the session cookie of the
 * page it says it comes from (the other page's cookie was not used, so it was not a wrong guess).
 */
function sentCredential(c: Context): boolean {
  if (c.req.header('authorization') !== undefined) return true;
  try {
    return getCookie(c, sessionCookies[requestPage(c)]) !== undefined;
  } catch {
    return false; // An X-Journey-Page that names no page: refused with 400 before any cookie was looked at.
  }
}

export interface AppDependencies {
  store: Store;
  runner: Runner;
  hub?: LiveHub;
  /** The built editor (dist/editor); absent in API-only tests. */
  editorDir?: string;
  /** Failed sign-ins per address; shared with the live hub, so wrong tokens on /ws count too. Default: a new one. */
  throttle?: FailedAuthThrottle;
}

export function createApp({ store, runner, hub, editorDir, throttle = new FailedAuthThrottle() }: AppDependencies) {
  const now = () => runner.now();
  const api = router()
    .route('/session', sessionRoutes(store, now))
    .route('/tokens', tokenRoutes(store, now))
    .route('/journeys', journeyRoutes(store, now))
    .route('/contact-lists', contactListRoutes(store, now))
    .route('/imports', importRoutes(store, now))
    .route('/runs', runRoutes(store, runner))
    .route('/runs', runContactRoutes(store, now))
    .route('/runs', runResultRoutes(store, now))
    .route('/runs', runAgentRoutes(store, now))
    .route('/runs', complianceReportRoutes(store, runner))
    .route('/runs', runAuditRoutes(store, now))
    .route('/audit', auditRoutes(store, now))
    .route('/agent', agentRoutes(store, runner))
    .route('/queues', queueRoutes(store, now))
    .route('/', complianceRoutes(store, now));

  const app = router();
  app.onError(onError);
  app.use('*', securityHeaders);
  // Before any token is looked at: an address that sent too many wrong ones waits, whatever it sends now.
  const signInThrottle: MiddlewareHandler = async (c, next) => {
    const address = remoteAddress(c.env);
    const wait = throttle.retryAfter(address);
    if (wait !== undefined) {
      c.header('retry-after', String(wait));
      return c.json(errorBody('too_many_requests', tooManyFailuresMessage(wait)), 429);
    }
    await next();
    // A wrong token, session cookie or sign-in code is a guess; a page that is simply not signed in yet sends none.
    if (c.res.status === 401 && (sentCredential(c) || c.req.path === signInExchangePath)) throttle.fail(address);
  };
  app.use('/api/*', (c, next) => (c.req.path === '/api/health' ? next() : signInThrottle(c, next)));
  app.use('/metrics', signInThrottle);
  // The CSV upload and a national register's copy are streamed with their own, larger limits, counted as they are
  // read (bodyLimit would read a chunked body whole first); every other body is JSON.
  app.use('/api/*', async (c, next) => {
    if (c.req.method === 'PUT' && (c.req.path.endsWith('/csv') || c.req.path.startsWith('/api/registries/'))) return next();
    return bodyLimit({ maxSize: maxJsonBytes })(c, next);
  });
  // Refused before any route parses it: a body nested deeper than the routes' recursion can take.
  app.use('/api/*', async (c, next) => {
    if (!/^application\/(.+\+)?json\b/i.test(c.req.header('content-type') ?? '')) return next();
    const path = tooDeep(await c.req.text());
    if (path === undefined) return next();
    const message = `The body nests objects or arrays more than ${maxJsonDepth} levels deep at ${path}; flatten that part to at most ${maxJsonDepth} levels`;
    return c.json(errorBody('bad_request', message, { issues: [{ path, message: `more than ${maxJsonDepth} levels deep` }] }), 400);
  });
  app.get('/api/health', (c) => c.json({ ok: true }));
  const routes = app.route('/api', api);
  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (npx journey token create), for API clients, the command line and scripts',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'EditorSession', {
    type: 'apiKey',
    in: 'cookie',
    name: sessionCookies.editor,
    description: "The editor's session, set HttpOnly by POST /api/session/exchange; a request that changes something must come from the server's own pages",
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'AgentSession', {
    type: 'apiKey',
    in: 'cookie',
    name: sessionCookies.agent,
    description: "The agent page's session, used when the request carries X-Journey-Page: agent",
  });
  app.doc('/api/openapi.json', {
    openapi: '3.0.3',
    info: { title: 'Journey builder API', version: '1.0.0', description: 'Journeys, versions, contact lists, runs and their events. See docs/api.md.' },
  });
  // Run counts and send volumes are the business's figures: Prometheus scrapes with a viewer token
  // (authorization: { credentials: <token> } in its scrape config).
  app.get('/metrics', requireRole(store.db, 'viewer', now), async (c) => {
    c.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    return c.body(await prometheusText(store, { webSocketClients: hub?.clientCount ?? 0, webSocketMessages: hub?.stats.messagesSent ?? 0 }));
  });
  // Twilio's reports and incoming texts are small forms.
  app.use('/hooks/*', bodyLimit({ maxSize: 64 * 1024 }));
  app.route('/t', trackedLinkRoutes(store, runner));
  app.route('/o', openPixelRoutes(store, runner));
  app.route('/hooks/twilio', twilioRoutes(store, runner));
  app.route('/schemas', schemaRoutes());
  app.all('/api/*', (c) => c.json(errorBody('not_found', `There is no ${c.req.method} ${c.req.path}; the routes are listed at /api/openapi.json`), 404));

  if (editorDir && existsSync(join(editorDir, 'index.html'))) {
    const index = readFileSync(join(editorDir, 'index.html'), 'utf8');
    app.use('/*', serveStatic({ root: editorDir }));
    // The editor routes in the browser (/agent, /runs/...): any other page gets the app.
    app.get('*', (c) => c.html(index));
  } else {
    app.get('/', (c) => c.text('The editor is not built: run `npm run build` (npm start does it), then reload. The API answers under /api.', 503));
  }
  return { app, routes };
}

export type AppRoutes = ReturnType<typeof createApp>['routes'];
