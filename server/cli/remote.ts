// What push and pull share: which server and token to use, and API calls whose failures read as plain sentences.
import type { Problem } from '../../schemas/problems.ts';
import { UsageError } from './io.ts';

export interface Remote {
  server: string;
  token: string;
}

/** --server and --token, else JOURNEY_SERVER and JOURNEY_TOKEN. */
export function remoteOf(values: { server?: string | undefined; token?: string | undefined }, command: string): Remote {
  const server = values.server ?? process.env.JOURNEY_SERVER;
  const token = values.token ?? process.env.JOURNEY_TOKEN;
  if (!server) throw new UsageError(`${command} needs --server URL (or JOURNEY_SERVER), e.g. --server http://localhost:3000`);
  if (!/^https?:\/\/[^/]/.test(server)) throw new UsageError(`--server must be an http:// or https:// URL, not "${server}"`);
  if (!token) throw new UsageError(`${command} needs --token T (or JOURNEY_TOKEN): an API token from the server's admin`);
  return { server: server.replace(/\/+$/, ''), token };
}

/** What the commands read of the server's JSON answers: which of these an answer has depends on the call and its status. */
export interface AnswerBody {
  error?: { message?: string; details?: { problems?: Problem[]; issues?: { path: string; message: string }[] } };
  problems?: Problem[];
  version?: number;
  contentHash?: string;
  text?: string;
}

export interface ApiAnswer {
  status: number;
  /** Absent when the answer has no text. */
  body: AnswerBody | undefined;
}

/** One API call. Throws a plain message when the server cannot be reached or refuses the token; other answers are returned. */
export async function call(remote: Remote, method: string, path: string, json?: unknown): Promise<ApiAnswer> {
  let response: Response;
  try {
    response = await fetch(`${remote.server}${path}`, {
      method,
      headers: { authorization: `Bearer ${remote.token}`, ...(json !== undefined && { 'content-type': 'application/json' }) },
      ...(json !== undefined && { body: JSON.stringify(json) }),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(
      `cannot reach the server at ${remote.server} (${cause?.code ?? cause?.message ?? (error as Error).message}); is it running, and is the URL right?`,
    );
  }
  const text = await response.text();
  let body: AnswerBody | undefined;
  try {
    body = text ? (JSON.parse(text) as AnswerBody) : undefined;
  } catch {
    throw new Error(`${remote.server} answered ${method} ${path} with ${response.status} and no JSON; is it a journey server?`);
  }
  if (response.status === 401) throw new Error(`the server refused the token: ${body?.error?.message ?? 'unauthorized'}`);
  if (response.status === 403) throw new Error(`the token may not do this: ${body?.error?.message ?? 'forbidden'}`);
  return { status: response.status, body };
}

/** The message of an error answer, for the ones a command does not handle itself. */
export function failure(answer: ApiAnswer, doing: string): Error {
  return new Error(`${doing} failed (${answer.status}): ${answer.body?.error?.message ?? 'the server gave no reason'}`);
}
