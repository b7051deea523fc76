// The addresses in sent messages that record a reaction: GET /t/:token, a tracked link (records the click, then
// redirects), and GET /o/:token, an email's open pixel (records the open, answers with a transparent image).
import { Hono } from 'hono';
import { decodeLinkToken, type LinkToken } from '../../runtime/nodes/links.ts';
import { serverSecret, trackingSecretName } from '../../runtime/store/repositories/server-secrets.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import { parseJson } from '../../runtime/store/json.ts';
import type { Runner } from '../runner.ts';

/**
 * The ids of a token this server signed. The secret is read once per app: it never changes after it is made, and
 * every process on the store reads the same one.
 */
function tokenReader(store: Store): (text: string) => Promise<LinkToken | undefined> {
  let secret: Promise<Buffer> | undefined;
  return async (text) => {
    secret ??= serverSecret(store.db, trackingSecretName);
    return decodeLinkToken(text, await secret);
  };
}

export function trackedLinkRoutes(store: Store, runner: Runner) {
  const db = store.db;
  const readToken = tokenReader(store);
  const app = new Hono();
  app.get('/:token', async (c) => {
    const token = await readToken(c.req.param('token'));
    const gone = () => c.text('This link is not valid any more.', 404);
    if (!token) return gone();
    const run = await db.selectFrom('runs').select(['journey_id', 'version']).where('id', '=', token.runId).executeTakeFirst();
    if (!run) return gone();
    const version = await db
      .selectFrom('journey_versions')
      .select('content')
      .where('journey_id', '=', run.journey_id)
      .where('version', '=', run.version)
      .executeTakeFirstOrThrow();
    const { nodes } = parseJson(version.content);
    const node = Object.hasOwn(nodes, token.nodeId) ? nodes[token.nodeId] : undefined;
    // The target comes from the published step, never from the link itself: the address cannot be turned into an
    // open redirect by editing the token.
    // Own names only: "constructor" or "__proto__" would otherwise find what every object inherits.
    const config = node?.config;
    const links = config && 'links' in config ? config.links : undefined;
    const target = links && Object.hasOwn(links, token.link) ? links[token.link] : undefined;
    if (typeof target !== 'string') return gone();
    const contact = await db
      .selectFrom('cursors')
      .select('contact_id')
      .where('run_id', '=', token.runId)
      .where('contact_id', '=', token.contactId)
      .executeTakeFirst();
    if (contact) await runner.react({ runId: token.runId, contactId: token.contactId, type: 'link.clicked', data: { nodeId: token.nodeId, link: token.link } });
    return c.redirect(target, 302);
  });
  return app;
}

/** A transparent 1x1 GIF. */
const pixel = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export function openPixelRoutes(store: Store, runner: Runner) {
  const db = store.db;
  const readToken = tokenReader(store);
  const app = new Hono();
  app.get('/:token', async (c) => {
    const token = await readToken(c.req.param('token'));
    if (token?.link !== '') return c.text('Not found', 404);
    const run = await db.selectFrom('runs').select(['journey_id', 'version']).where('id', '=', token.runId).executeTakeFirst();
    if (!run) return c.text('Not found', 404);
    const version = await db
      .selectFrom('journey_versions')
      .select('content')
      .where('journey_id', '=', run.journey_id)
      .where('version', '=', run.version)
      .executeTakeFirstOrThrow();
    const { nodes } = parseJson(version.content);
    const node = Object.hasOwn(nodes, token.nodeId) ? nodes[token.nodeId] : undefined;
    // Only an email step that tracks opens has a pixel; any other token is not one of ours. A file that leaves
    // trackOpens out keeps its default, on.
    if (node?.type !== 'email' || node.config?.trackOpens === false) return c.text('Not found', 404);
    const contact = await db
      .selectFrom('cursors')
      .select('contact_id')
      .where('run_id', '=', token.runId)
      .where('contact_id', '=', token.contactId)
      .executeTakeFirst();
    if (contact) await runner.react({ runId: token.runId, contactId: token.contactId, type: 'email.opened', data: { nodeId: token.nodeId } });
    // Never cached: each load is an open, and a cached image would hide the next one.
    return c.body(pixel, 200, { 'content-type': 'image/gif', 'cache-control': 'no-store, max-age=0' });
  });
  return app;
}
