// A large upload's body as a stream with its size limit counted as it passes. Hono's bodyLimit reads a body sent
// without Content-Length (chunked, as fetch sends a stream) whole into memory before the route sees a byte; a 200 MB
// contact list or a 60 MB register copy must not be.
import { ApiError } from './http/errors.ts';

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The body is larger than ${maxBytes} bytes, the most this route accepts`);
  }
}

/**
 * The request body as chunks that fail with BodyTooLargeError past `maxBytes`; 413 at once when Content-Length says
 * so. Chunks come in order and an upload cut off mid-way fails only after every chunk that arrived before the cut
 * (a stream piped onward would drop what it still held when the error came), so that what arrived can still be used.
 */
export function limitedBody(request: Request, maxBytes: number, what: string): AsyncIterable<Uint8Array> {
  const body = request.body;
  if (!body) throw new ApiError(400, 'bad_request', `Send ${what} as the body of the request`);
  const declared = request.headers.get('content-length');
  if (declared !== null && !request.headers.has('transfer-encoding') && Number(declared) > maxBytes) throw tooLarge(maxBytes, what);
  return (async function* () {
    const reader = body.getReader();
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        size += value.byteLength;
        if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  })();
}

export function tooLarge(maxBytes: number, what: string): ApiError {
  return new ApiError(
    413,
    'too_large',
    `${what[0]!.toUpperCase()}${what.slice(1)} is larger than ${maxBytes} bytes, the most this server accepts; split it into smaller files`,
    { maxBytes },
  );
}
