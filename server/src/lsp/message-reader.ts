/** Reads JSON-RPC messages from a byte stream, answering bodies that are not JSON-RPC instead of dropping them, and reporting broken framing as an error. */
import type { Readable } from 'node:stream';
import {
  AbstractMessageReader,
  ErrorCodes,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageReader,
  type ResponseMessage,
} from 'vscode-languageserver/node';
import { ContentLengthDecoder, MalformedFramingError } from './message-framing';

/**
 * vscode-jsonrpc's own stream reader stops reading for good at a bad header and drops a body that
 * is not JSON without a word, so the client waits forever. This one answers a bad body with the
 * JSON-RPC error the specification asks for and goes on; broken framing is fired as a
 * `MalformedFramingError` through `onError`, for the owner of the process to end it, since no later
 * byte can be trusted to start a message.
 */
export class FramedMessageReader extends AbstractMessageReader implements MessageReader {
  private readonly decoder = new ContentLengthDecoder();
  private broken = false;
  private closed = false;

  /**
   * @param input the bytes from the client.
   * @param reject sends an error response to the client; it must go through the connection's own
   *   writer, so that it is framed like, and never interleaved with, the server's other messages.
   */
  constructor(
    private readonly input: Readable,
    private readonly reject: (response: ResponseMessage) => void,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer | string) => this.read(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk, callback);
    const onClose = () => {
      if (this.closed) return;
      this.closed = true;
      this.fireClose();
    };
    const onError = (error: Error) => this.fireError(error);
    this.input.on('data', onData);
    this.input.on('end', onClose);
    this.input.on('close', onClose);
    this.input.on('error', onError);
    return {
      dispose: () => {
        this.input.off('data', onData);
        this.input.off('end', onClose);
        this.input.off('close', onClose);
        this.input.off('error', onError);
      },
    };
  }

  private read(chunk: Buffer, callback: DataCallback): void {
    if (this.broken) return;
    // Bodies are delivered once the decoder is done with the chunk, so that nothing a handler does
    // can leave the decoder half-way through it.
    const bodies: Buffer[] = [];
    let framingError: MalformedFramingError | undefined;
    try {
      this.decoder.push(chunk, (body) => bodies.push(body));
    } catch (error) {
      if (!(error instanceof MalformedFramingError)) throw error;
      this.broken = true;
      framingError = error;
    }
    for (const body of bodies) this.deliver(body, callback);
    if (framingError) this.fireError(framingError);
  }

  private deliver(body: Buffer, callback: DataCallback): void {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (error) {
      this.reject(errorResponse(null, ErrorCodes.ParseError, `Parse error: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    const problem = invalidMessage(json);
    if (problem) {
      this.reject(errorResponse(problem.id, ErrorCodes.InvalidRequest, `Invalid Request: ${problem.reason}`));
      return;
    }
    callback(json as Message);
  }
}

function errorResponse(id: string | number | null, code: number, message: string): ResponseMessage {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

/** Why `json` is not a JSON-RPC 2.0 request, notification or response, with the id to answer with; nothing when it is one. */
export function invalidMessage(json: unknown): { id: string | number | null; reason: string } | undefined {
  if (Array.isArray(json)) return { id: null, reason: 'batches (JSON arrays) are not part of the Language Server Protocol' };
  if (typeof json !== 'object' || json === null) return { id: null, reason: `expected a JSON object, got ${json === null ? 'null' : typeof json}` };
  const message = json as Record<string, unknown>;
  const isCall = 'method' in message;
  // Only a request's id is echoed: the id of a (broken) response names one of the server's own
  // requests, and an error with it would look like the client's own request had failed.
  const id = isCall && (typeof message.id === 'string' || typeof message.id === 'number') ? message.id : null;
  if (message.jsonrpc !== '2.0') return { id, reason: 'the "jsonrpc" member must be "2.0"' };
  if (isCall) {
    if (typeof message.method !== 'string') return { id, reason: 'the "method" member must be a string' };
    if ('id' in message && id === null) return { id, reason: 'the "id" member must be a string or a number' };
    // Null params are let through: some clients send them for requests without parameters (shutdown).
    const params = message.params;
    if (params !== undefined && params !== null && typeof params !== 'object') return { id, reason: 'the "params" member must be an object or an array' };
    return undefined;
  }
  if (!('id' in message) || !('result' in message || 'error' in message)) {
    return { id: null, reason: 'an object with neither a "method" (request or notification) nor an "id" with a "result" or "error" (response)' };
  }
  if (message.id !== null && typeof message.id !== 'string' && typeof message.id !== 'number') return { id: null, reason: 'the response\'s "id" member must be a string, a number or null' };
  return undefined;
}
