// Drops CSV records with a field or a whole record over a size limit before the parser sees them. The parser's own
// limit (max_record_size) fails the whole file, and it buffers a field whole first: one 100 MB cell would be held in
// memory and then end the import. Here the oversized record is cut out as it streams past, its line is reported,
// and the rows around it go on.
import { Transform, type TransformCallback } from 'node:stream';

export interface OversizedRecord {
  /** The line the record starts on (the header is line 1). */
  line: number;
  /** 0 for the first record in the file (the header). */
  record: number;
  /** Which limit it broke, and in which field (0-based) for a field. */
  limit: 'field' | 'row';
  field: number;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

export class CsvSizeGuard extends Transform {
  private inQuotes = false;
  private fieldBytes = 0;
  private recordBytes = 0;
  private field = 0;
  /** Physical lines seen so far, counting line breaks inside quoted fields, as the parser counts them. */
  private line = 1;
  private recordLine = 1;
  private records = 0;
  /** The current record's bytes, held until it ends or breaks a limit (at most the row limit). */
  private held: Buffer[] = [];
  private skipping = false;
  private lastWasCr = false;

  constructor(
    private readonly maxFieldBytes: number,
    private readonly maxRowBytes: number,
    private readonly onOversized: (record: OversizedRecord) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // Whole records are passed on a chunk at a time; only the unfinished record at the chunk's end is held back.
    let pending = 0;
    let recordStart = 0;
    const lineBreaks = (part: Buffer) => {
      for (const b of part) if (b === CR || b === LF) this.push(Buffer.from([b]));
    };
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      const crlf = this.lastWasCr && byte === LF;
      this.lastWasCr = false;
      if (byte === QUOTE) {
        // "" inside quotes toggles twice: the state comes out right without looking ahead.
        this.inQuotes = !this.inQuotes;
      } else if (byte === CR || byte === LF) {
        if (!crlf) this.line++;
        if (byte === CR) this.lastWasCr = true;
        // A dropped record still passes on its line breaks, as they are in the file, so that the parser numbers the
        // lines after it as the file does (the empty lines left are skipped by the parser).
        if (this.skipping) this.push(chunk.subarray(i, i + 1));
        if (!this.inQuotes) {
          if (this.skipping) {
            this.records++;
            pending = i + 1;
          } else {
            if (this.recordBytes > 0) this.records++;
            if (this.held.length) {
              this.push(Buffer.concat([...this.held, chunk.subarray(pending, i + 1)]));
              pending = i + 1;
            }
          }
          this.held = [];
          recordStart = i + 1;
          this.skipping = false;
          this.fieldBytes = 0;
          this.recordBytes = 0;
          this.field = 0;
          this.recordLine = this.line;
          continue;
        }
        if (crlf) continue;
      } else if (byte === COMMA && !this.inQuotes) {
        this.field++;
        this.fieldBytes = 0;
        this.recordBytes++;
        continue;
      }
      this.fieldBytes++;
      this.recordBytes++;
      if (!this.skipping && (this.fieldBytes > this.maxFieldBytes || this.recordBytes > this.maxRowBytes)) {
        this.onOversized({ line: this.recordLine, record: this.records, limit: this.fieldBytes > this.maxFieldBytes ? 'field' : 'row', field: this.field });
        if (recordStart > pending) this.push(chunk.subarray(pending, recordStart));
        for (const part of this.held) lineBreaks(part);
        lineBreaks(chunk.subarray(recordStart, i + 1));
        this.held = [];
        this.skipping = true;
      }
    }
    if (!this.skipping) {
      if (recordStart > pending) this.push(chunk.subarray(pending, recordStart));
      if (recordStart < chunk.length) this.held.push(chunk.subarray(recordStart));
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (!this.skipping && this.held.length) this.push(Buffer.concat(this.held));
    callback();
  }
}
