// A large upload's body as a stream with its size limit counted as it passes. Hono's bodyLimit reads a body sent
// without Content-Length (chunked, as fetch sends a stream) whole into memory before the route sees a byte; a 200 MB
// contact list or a 60 MB register copy must not be.
import { Readable, Transform, pipeline } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { ApiError } from './http/errors.ts';

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The body is larger than ${maxBytes} bytes, the most this route accepts`);
  }
}

/** The request body as a stream that fails with BodyTooLargeError past `maxBytes`; 413 at once when Content-Length says so. */
export function limitedBody(request: Request, maxBytes: number, what: string): Readable {
  const body = request.body;
  if (!body) throw new ApiError(400, 'bad_request', `Send ${what} as the body of the request`);
  const declared = request.headers.get('content-length');
  if (declared !== null && !request.headers.has('transfer-encoding') && Number(declared) > maxBytes) throw tooLarge(maxBytes, what);
  let size = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) callback(new BodyTooLargeError(maxBytes));
      else callback(null, chunk);
    },
  });
  // pipeline, so that a body cut off mid-way errors the stream the route reads instead of leaving it waiting.
  pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), counted, () => {});
  return counted;
}

export function tooLarge(maxBytes: number, what: string): ApiError {
  return new ApiError(413, 'too_large', `${what[0]!.toUpperCase()}${what.slice(1)} is larger than ${maxBytes} bytes, the most this server accepts; split it into smaller files`, { maxBytes });
}
