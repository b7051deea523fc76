// What a command may touch of the outside world, so that tests can run commands in-process and read their output.
import { readFile, writeFile } from 'node:fs/promises';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  readFile: (path: string) => Promise<string>;
  writeFile: (path: string, text: string) => Promise<void>;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readFile: (path) => readFile(path, 'utf8'),
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
};

/** A usage mistake: printed as one line with a hint, exit code 2. */
export class UsageError extends Error {}

/** Reads a file or says plainly why it cannot. */
export async function readText(io: Io, path: string): Promise<{ text: string } | { error: string }> {
  try {
    return { text: await io.readFile(path) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'this is a folder, not a file' : code === 'EACCES' ? 'permission denied' : String(error);
    return { error: `cannot read the file: ${reason}` };
  }
}
