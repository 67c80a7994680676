/** Splits a byte stream into the bodies of LSP messages by their `Content-Length` headers, refusing framing it cannot trust. */

/**
 * The longest header block accepted. Real headers (`Content-Length` and `Content-Type`) take under
 * 100 bytes; a longer block means the stream is not LSP framing at all (for instance headers ended
 * by a bare line feed), and waiting for an end that never comes would hang the server.
 */
export const MAX_HEADER_BYTES = 8 * 1024;

/**
 * The largest body accepted. It is far above any document VS Code sends to extensions (it stops
 * syncing files over 50 MB) and below V8's longest string (about 512 MiB), which the body must fit
 * in to be decoded; a larger count is a corrupt or hostile header, not a message.
 */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

const CRLF = '\r\n';
const EMPTY = Buffer.alloc(0);

/** The stream's framing is broken: no later byte can be trusted to start a message. */
export class MalformedFramingError extends Error {
  /** What was wrong, as a phrase for a log line ("no Content-Length header"). */
  readonly reason: string;

  constructor(reason: string) {
    super(`malformed message: ${reason}`);
    this.name = 'MalformedFramingError';
    this.reason = reason;
  }
}

/**
 * Feeds on chunks as they arrive and hands out each complete body. Headers split across chunks,
 * several messages in one chunk and bodies of any size are handled; the chunks of a large body are
 * kept as they come and joined once it is complete, so a 5 MB document costs one copy, not one per
 * chunk.
 */
export class ContentLengthDecoder {
  /** The start of a header line whose line break has not arrived yet. */
  private partialLine: Buffer = EMPTY;
  /** Bytes of the current header block read so far, for the `MAX_HEADER_BYTES` limit. */
  private headerBytes = 0;
  private contentLength: number | undefined;
  /** The length of the body being read, or -1 while headers are read. */
  private bodyLength = -1;
  private bodyChunks: Buffer[] = [];
  private bodyBytesBuffered = 0;

  /**
   * Consumes `chunk`, calling `onBody` for every body it completes, in order. Throws a
   * `MalformedFramingError` at the first broken header, after the bodies before it were handed out;
   * the decoder must not be fed again after that.
   */
  push(chunk: Buffer, onBody: (body: Buffer) => void): void {
    let data = chunk;
    for (;;) {
      if (this.bodyLength < 0) {
        if (data.length === 0) return;
        data = this.readHeaders(data);
        continue;
      }
      const missing = this.bodyLength - this.bodyBytesBuffered;
      if (data.length < missing) {
        if (data.length > 0) {
          this.bodyChunks.push(data);
          this.bodyBytesBuffered += data.length;
        }
        return;
      }
      this.bodyChunks.push(data.subarray(0, missing));
      const body = this.bodyChunks.length === 1 ? this.bodyChunks[0] : Buffer.concat(this.bodyChunks, this.bodyLength);
      data = data.subarray(missing);
      this.bodyChunks = [];
      this.bodyBytesBuffered = 0;
      this.bodyLength = -1;
      onBody(body);
    }
  }

  /** Reads header lines from `data`; returns what follows the header block, or nothing when the block is not complete yet. */
  private readHeaders(data: Buffer): Buffer {
    const text = this.partialLine.length > 0 ? Buffer.concat([this.partialLine, data]) : data;
    this.partialLine = EMPTY;
    let start = 0;
    for (;;) {
      const end = text.indexOf(CRLF, start);
      const lineBytes = (end < 0 ? text.length : end + CRLF.length) - start;
      if (this.headerBytes + lineBytes > MAX_HEADER_BYTES) {
        throw new MalformedFramingError(`a header block longer than ${MAX_HEADER_BYTES} bytes, or headers not ended by "\\r\\n"`);
      }
      if (end < 0) {
        // Copied, so that a small leftover does not keep a large chunk alive.
        this.partialLine = Buffer.from(text.subarray(start));
        return EMPTY;
      }
      this.headerBytes += lineBytes;
      if (end === start) {
        this.endHeaderBlock();
        return text.subarray(end + CRLF.length);
      }
      this.readHeaderLine(text.toString('latin1', start, end));
      start = end + CRLF.length;
    }
  }

  /** The empty line after the headers: the body comes next. */
  private endHeaderBlock(): void {
    if (this.contentLength === undefined) throw new MalformedFramingError('no Content-Length header');
    this.bodyLength = this.contentLength;
    this.contentLength = undefined;
    this.headerBytes = 0;
  }

  private readHeaderLine(line: string): void {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MalformedFramingError(`a header line without a name and a colon: ${quote(line)}`);
    // Only the length matters: the body is always UTF-8 JSON, the one encoding the protocol allows,
    // so `Content-Type` and any other header are accepted as they come.
    if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') return;
    const value = line.slice(colon + 1).trim();
    if (!/^\d+$/.test(value)) throw new MalformedFramingError(`Content-Length ${quote(value)} is not a number of bytes`);
    const length = Number(value);
    if (length > MAX_BODY_BYTES) throw new MalformedFramingError(`Content-Length ${value} is more than the ${MAX_BODY_BYTES} bytes accepted`);
    if (this.contentLength !== undefined && this.contentLength !== length) throw new MalformedFramingError('two different Content-Length headers');
    this.contentLength = length;
  }
}

/** A header's text for a log line: escaped, so control characters cannot break the line, and short. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
