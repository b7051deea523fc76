// Turns an uploaded CSV's bytes into UTF-8 as they stream past, whatever the file was saved as. Excel on Windows still
// saves "CSV" as Windows-1252: read as UTF-8, "Renée" would be stored as "Ren�e" for good. Without a choice, a file is
// UTF-8 while its bytes are valid UTF-8 (or it starts with a byte order mark), and Windows-1252 from the first byte
// that is not; either way the import warns, with the line, when bytes were not valid in the encoding used.
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';

export type CsvEncoding = 'utf-8' | 'windows-1252' | 'utf-16le';

/** The names `?encoding=` and `--encoding` take, to the encoding read. Latin-1 is read as its superset Windows-1252. */
export const encodingNames: Readonly<Record<string, CsvEncoding>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  latin1: 'windows-1252',
  'latin-1': 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'utf-16le': 'utf-16le',
  utf16le: 'utf-16le',
};

export const encodingChoices = 'utf-8, windows-1252 (or latin1), utf-16le';

export interface EncodingWarning {
  /** The line (the header is line 1) holding the first byte that was not valid. */
  line: number;
  message: string;
}

const LF = 0x0a;
const howToChoose = `to choose the encoding, upload the file again with ?encoding= (${encodingChoices}), or journey import --encoding`;

/** Where the first byte that is not valid UTF-8 is in `bytes`, or -1; a sequence cut off by the end counts as invalid. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let more: number;
    let low = 0x80;
    let high = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) more = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      more = 2;
      if (c === 0xe0) low = 0xa0;
      else if (c === 0xed) high = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      more = 3;
      if (c === 0xf0) low = 0x90;
      else if (c === 0xf4) high = 0x8f;
    } else return i;
    if (i + more >= bytes.length) return i;
    const second = bytes[i + 1]!;
    if (second < low || second > high) return i;
    for (let k = 2; k <= more; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  return -1;
}

/** How many bytes at the end of `bytes` are the start of a UTF-8 sequence the next chunk completes. */
function unfinishedUtf8Tail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const c = bytes[bytes.length - back]!;
    if ((c & 0xc0) === 0x80) continue;
    const length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

function countLineFeeds(bytes: Uint8Array, end = bytes.length): number {
  let n = 0;
  for (let i = bytes.indexOf(LF); i !== -1 && i < end; i = bytes.indexOf(LF, i + 1)) n++;
  return n;
}

/**
 * A Transform from the file's bytes to UTF-8 bytes. `encoding` is the caller's choice; without one it is worked out
 * from a byte order mark, else from whether the bytes are valid UTF-8. `onWarning` is told once per file.
 */
export class DecodeToUtf8 extends Transform {
  /** The encoding used: the chosen one, or what was detected (Windows-1252 once a byte was not UTF-8). */
  encoding: CsvEncoding | undefined;
  private readonly detect: boolean;
  private decoder: TextDecoder | undefined;
  private head: Buffer | undefined = Buffer.alloc(0);
  private tail: Buffer = Buffer.alloc(0);
  /** Line feeds already passed on: the line a byte is on, for warnings. */
  private lineFeeds = 0;
  private warned = false;

  constructor(
    chosen: CsvEncoding | undefined,
    private readonly onWarning: (warning: EncodingWarning) => void,
  ) {
    super();
    this.detect = chosen === undefined;
    this.encoding = chosen;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.head) {
      // A byte order mark is three bytes at most; wait for them before deciding.
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 3) {
        callback();
        return;
      }
      chunk = this.head;
      this.head = undefined;
      this.start(chunk);
    }
    this.convert(chunk, false);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.head) {
      const rest = this.head;
      this.head = undefined;
      this.start(rest);
      this.convert(rest, true);
    } else this.convert(Buffer.alloc(0), true);
    callback();
  }

  private start(first: Buffer): void {
    if (!this.detect) {
      if (this.encoding !== 'utf-8') this.decoder = new TextDecoder(this.encoding);
      return;
    }
    if (first[0] === 0xff && first[1] === 0xfe) {
      this.encoding = 'utf-16le';
      this.decoder = new TextDecoder('utf-16le');
    } else this.encoding = 'utf-8';
  }

  private convert(chunk: Buffer, last: boolean): void {
    if (this.decoder) {
      this.decodeWith(this.decoder, chunk, last);
      return;
    }
    // UTF-8 so far: valid bytes go on as they are, and only a sequence split between chunks is held back.
    let bytes = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    const held = last ? 0 : unfinishedUtf8Tail(bytes);
    this.tail = held ? Buffer.from(bytes.subarray(bytes.length - held)) : Buffer.alloc(0);
    bytes = held ? bytes.subarray(0, bytes.length - held) : bytes;
    if (isUtf8(bytes)) {
      this.pass(bytes);
      return;
    }
    const bad = firstInvalidUtf8(bytes);
    const line = this.lineFeeds + countLineFeeds(bytes, bad) + 1;
    this.pass(bytes.subarray(0, bad));
    if (this.detect) {
      this.encoding = 'windows-1252';
      this.warn(
        line,
        `The file is not valid UTF-8 (the first byte that is not is on line ${line}), so it was read as Windows-1252 (Latin-1), as Excel on Windows saves CSV. If letters such as é or ü look wrong, ${howToChoose}`,
      );
    } else {
      this.warn(line, `Line ${line} has bytes that are not valid UTF-8; they were stored as �. If the file was saved in another encoding, ${howToChoose}`);
    }
    // From here on: Windows-1252 for a detected file; UTF-8 with replacement characters when UTF-8 was asked for.
    this.decoder = new TextDecoder(this.detect ? 'windows-1252' : 'utf-8');
    this.decodeWith(this.decoder, Buffer.concat([bytes.subarray(bad), this.tail]), last);
    this.tail = Buffer.alloc(0);
  }

  private decodeWith(decoder: TextDecoder, chunk: Buffer, last: boolean): void {
    const text = decoder.decode(chunk, { stream: !last });
    if (!this.warned && this.encoding === 'utf-16le') {
      const bad = text.indexOf('\uFFFD');
      if (bad !== -1) {
        let line = this.lineFeeds + 1;
        for (let i = text.indexOf('\n'); i !== -1 && i < bad; i = text.indexOf('\n', i + 1)) line++;
        this.warn(line, `Line ${line} has bytes that are not valid UTF-16LE; they were stored as �. If the file was saved in another encoding, ${howToChoose}`);
      }
    }
    if (text) this.pass(Buffer.from(text, 'utf8'));
  }

  private pass(bytes: Uint8Array): void {
    if (!bytes.length) return;
    this.lineFeeds += countLineFeeds(bytes);
    this.push(bytes);
  }

  private warn(line: number, message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.onWarning({ line, message });
  }
}
