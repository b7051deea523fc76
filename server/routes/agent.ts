// The agent desktop's API: an agent token is one person, who goes available, takes calls, ends them and wraps up.
import { createRoute, z } from '@hono/zod-openapi';
import {
  AgentStateError,
  currentCall,
  endCall,
  finishWrapUp,
  goAvailable,
  goOffline,
  simulatedAgents,
  startCall,
  type AgentView,
} from '../../runtime/dialer/agent-desk.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import { AgentDeskSchema as Desk, QueueSchema, RunAgentSchema } from '../api-schemas.ts';
import type { AgentDesk, QueueView } from '../api-types.ts';
import { requireRole } from '../http/auth.ts';
import { notFound } from '../http/errors.ts';
import { errors, json, router, security } from '../http/openapi.ts';
import type { Runner } from '../runner.ts';
import { parseJson } from '../../runtime/store/json.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** The desk with times as ISO 8601, as every other answer of the API gives them. */
function deskView(view: AgentView): AgentDesk {
  return {
    agent: { ...view.agent, since: iso(view.agent.since) },
    call: view.call && { ...view.call, connectedAt: view.call.connectedAt === null ? null : iso(view.call.connectedAt) },
    dispositions: view.dispositions,
  };
}

/** A refused move (going offline mid-call, ending a call one is not on) is the runtime's AgentStateError, a conflict. */
async function attempt(action: () => Promise<AgentView>, wake: () => void): Promise<AgentDesk> {
  const view = deskView(await action());
  // A free agent or a finished call is work for the live dialer now, not at its next poll.
  wake();
  return view;
}

export function agentRoutes(store: Store, runner: Runner) {
  const db = store.db;
  const now = () => runner.now();
  const wake = () => runner.wake();
  const agent = requireRole(db, 'agent', now);
  const ok = (description: string) => ({ 200: json(Desk, description), 400: errors[400], 401: errors[401], 403: errors[403], 409: errors[409] });
  return router()
    .openapi(
      createRoute({ method: 'get', path: '/me', middleware: [agent], security, summary: "The agent's state and current call", responses: ok('The desk') }),
      async (c) => {
        const caller = c.get('caller');
        try {
          return c.json(deskView(await currentCall(db, caller.id)), 200);
        } catch (error) {
          // Someone who has never gone available is simply offline, with nothing to show yet.
          if (!(error instanceof AgentStateError)) throw error;
          return c.json(
            { agent: { id: caller.id, name: caller.name, state: 'offline' as const, queues: [], since: iso(now()) }, call: null, dispositions: [] },
            200,
          );
        }
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/queues',
        middleware: [agent],
        security,
        summary: 'The queues an agent can take calls from',
        description: 'Their names only, so that an agent picks one instead of typing it; who is in each is for managers (GET /api/queues).',
        responses: { 200: json(z.object({ queues: z.array(z.string()) }), 'The names of the queues'), 401: errors[401], 403: errors[403] },
      }),
      async (c) => c.json({ queues: (await queueViews(store)).map((q) => q.id) }, 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/available',
        middleware: [agent],
        security,
        summary: 'Ready for calls from these queues',
        request: {
          body: {
            content: {
              'application/json': {
                schema: z.object({ queues: z.array(z.string().trim().min(1).max(100)).min(1, 'Choose at least one queue').max(20) }).strict(),
              },
            },
            required: true,
          },
        },
        responses: ok('The desk'),
      }),
      async (c) =>
        c.json(await attempt(() => goAvailable(db, { id: c.get('caller').id, name: c.get('caller').name }, c.req.valid('json').queues, now()), wake), 200),
    )
    .openapi(
      createRoute({ method: 'post', path: '/offline', middleware: [agent], security, summary: 'Stop taking calls', responses: ok('The desk') }),
      async (c) => c.json(await attempt(() => goOffline(db, c.get('caller').id, now()), wake), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/call/start',
        middleware: [agent],
        security,
        summary: 'Place the previewed call (preview dialing)',
        responses: ok('The desk'),
      }),
      async (c) => c.json(await attempt(() => startCall(db, c.get('caller').id, now()), wake), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/call/end',
        middleware: [agent],
        security,
        summary: 'End the call with a disposition the journey can branch on',
        request: {
          body: {
            content: {
              'application/json': { schema: z.object({ disposition: z.string().trim().min(1).max(64), notes: z.string().max(2000).optional() }).strict() },
            },
            required: true,
          },
        },
        responses: ok('The desk, in wrap-up'),
      }),
      async (c) => {
        const { disposition, notes } = c.req.valid('json');
        return c.json(await attempt(() => endCall(db, c.get('caller').id, disposition, now(), notes), wake), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/wrap-up/done',
        middleware: [agent],
        security,
        summary: 'Wrap-up finished: available again',
        responses: ok('The desk'),
      }),
      async (c) => c.json(await attempt(() => finishWrapUp(db, c.get('caller').id, now()), wake), 200),
    );
}

export type { QueueView };

/** The queues a dialer step can send calls to: those the journeys name, and those agents have signed in to. */
export function queueRoutes(store: Store, now: () => number) {
  const viewer = requireRole(store.db, 'viewer', now);
  return router().openapi(
    createRoute({
      method: 'get',
      path: '/',
      middleware: [viewer],
      security,
      summary: 'Agent queues and who is in them',
      responses: { 200: json(z.object({ queues: z.array(QueueSchema) }), 'The queues'), 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json({ queues: await queueViews(store) }, 200),
  );
}

/** The queues the journeys' call steps name and those agents are in, with who is in each, by name. */
async function queueViews(store: Store): Promise<QueueView[]> {
  const queues = new Map<string, QueueView>();
  const add = (id: string) => queues.get(id) ?? queues.set(id, { id, agents: 0, available: 0 }).get(id)!;
  for (const { draft } of await store.db.selectFrom('journeys').select('draft').execute()) {
    const { nodes } = parseJson(draft);
    for (const node of Object.values(nodes)) if (node.type === 'dialer' && typeof node.config?.queue === 'string') add(node.config.queue);
  }
  for (const agent of await store.db.selectFrom('agents').select(['state', 'queues']).where('state', '!=', 'offline').execute()) {
    for (const id of parseJson(agent.queues)) {
      const queue = add(id);
      queue.agents++;
      if (agent.state === 'available') queue.available++;
    }
  }
  return [...queues.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** The simulated agents of a run, for a manager watching them work. */
export function runAgentRoutes(store: Store, now: () => number) {
  const viewer = requireRole(store.db, 'viewer', now);
  return router().openapi(
    createRoute({
      method: 'get',
      path: '/{id}/agents',
      middleware: [viewer],
      security,
      summary: "A simulated run's agents and what each is doing",
      request: {
        params: z.object({
          id: z
            .string()
            .min(1)
            .openapi({ param: { name: 'id', in: 'path' } }),
        }),
      },
      responses: { 200: json(z.object({ agents: z.array(RunAgentSchema) }), 'The agents'), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const run = await store.db.selectFrom('runs').select('id').where('id', '=', id).executeTakeFirst();
      if (!run) throw notFound(`The run "${id}"`);
      const agents = await simulatedAgents(store.db, id, now());
      return c.json({ agents: agents.map((a) => ({ ...a, since: iso(a.since) })) }, 200);
    },
  );
}
