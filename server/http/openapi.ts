// What every route module shares: the OpenAPIHono flavour with JSON errors for bad input, and the JSON body helper.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AuthVariables } from './auth.ts';
import { errorBody, zodIssues } from './errors.ts';

export type Env = { Variables: AuthVariables };

/** A router whose validation failures answer 400 with each issue's JSON pointer, never Zod's raw output. */
export function router(): OpenAPIHono<Env> {
  return new OpenAPIHono<Env>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const issues = zodIssues(result.error);
        const where = issues[0] ? ` at ${issues[0].path}` : '';
        return c.json(
          errorBody('bad_request', `The ${result.target === 'json' ? 'body' : result.target} is not valid${where}: ${issues[0]?.message ?? ''}`, { issues }),
          400,
        );
      }
      return undefined;
    },
  });
}

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }) })
  .openapi('Error');

const errorResponse = (description: string) => ({ content: { 'application/json': { schema: ErrorSchema } }, description });

/** The error answers a route can give, for its OpenAPI description. */
export const errors = {
  400: errorResponse('The body or query is malformed'),
  401: errorResponse('No token, or a token the server does not know'),
  403: errorResponse("The token's role does not allow this"),
  404: errorResponse('No such thing'),
  409: errorResponse('Conflicts with the current state'),
  413: errorResponse('The body is too large'),
  422: errorResponse('The journey has errors; details.problems lists them'),
} as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });

/** Any one of: an API token in the Authorization header, or a page's session cookie. */
export const security: Record<string, string[]>[] = [{ Bearer: [] }, { EditorSession: [] }, { AgentSession: [] }];
