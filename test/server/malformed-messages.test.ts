/** Drives the built server over stdio with raw bytes: broken framing ends it with one log line, bad bodies get JSON-RPC errors, odd chunking and large bodies go through. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { StreamMessageReader, type Message } from 'vscode-jsonrpc/node';
import { SERVER_PATH } from './lspClient';

interface Response {
  jsonrpc: string;
  id: string | number | null;
  result?: unknown;
  error?: { code: number; message: string };
}

/** How long a server gets to answer or to exit: far more than it needs, far less than the test timeout. */
const PATIENCE_MS = 8_000;

/** The server as a child process, written to byte by byte and read through a proper LSP reader. */
class RawServer {
  readonly process: ChildProcessWithoutNullStreams;
  readonly responses: Response[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: (() => void)[] = [];

  constructor() {
    this.process = spawn(process.execPath, [SERVER_PATH, '--stdio'], { stdio: 'pipe' });
    this.process.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    // The server may exit before all input is written; that is what some tests expect.
    this.process.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve({ code, signal })));
    new StreamMessageReader(this.process.stdout).listen((message: Message) => {
      // Requests and notifications from the server (log messages) are not what these tests look at.
      if ('method' in message) return;
      this.responses.push(message as Response);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  write(bytes: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) => this.process.stdin.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  /** The response with `id`, failing after `PATIENCE_MS`. */
  async response(id: string | number): Promise<Response> {
    const deadline = Date.now() + PATIENCE_MS;
    for (;;) {
      const found = this.responses.find((response) => response.id === id);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no response with id ${JSON.stringify(id)} within ${PATIENCE_MS} ms; got ${JSON.stringify(this.responses)}; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** How the process ended, failing when it is still running after `PATIENCE_MS`. */
  async exit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the server is still running ${PATIENCE_MS} ms later; stderr: ${this.stderr}`)), PATIENCE_MS);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill();
  }
}

function frame(body: string | object): Buffer {
  const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, 'ascii'), bytes]);
}

const shutdown = (id: string | number) => frame({ jsonrpc: '2.0', id, method: 'shutdown' });
const initialize = (id: string | number) => frame({ jsonrpc: '2.0', id, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });

describe('language server over stdio: malformed messages', () => {
  const servers: RawServer[] = [];
  const start = () => {
    const server = new RawServer();
    servers.push(server);
    return server;
  };
  after(() => {
    for (const server of servers) server.kill();
  });

  const brokenFraming: [string, string, string][] = [
    ['a header block without Content-Length', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}', 'no Content-Length header'],
    ['a Content-Length that is not a number', 'Content-Length: abc\r\n\r\n{}', 'Content-Length "abc" is not a number of bytes'],
    ['a negative Content-Length', 'Content-Length: -5\r\n\r\n{}', 'Content-Length "-5" is not a number of bytes'],
    ['an absurd Content-Length', 'Content-Length: 99999999999999\r\n\r\n{}', 'Content-Length 99999999999999 is more than'],
    ['a header line without a colon', 'hello there\r\n\r\n', 'a header line without a name and a colon: "hello there"'],
  ];
  for (const [name, input, reason] of brokenFraming) {
    it(`exits non-zero with one log line and no stack trace on ${name}`, async () => {
      const server = start();
      // A valid message first: the framing is only broken from the bad header on.
      await server.write(Buffer.concat([shutdown(1), Buffer.from(input, 'ascii'), shutdown(2)]));
      const { code } = await server.exit();
      assert.notEqual(code, 0, `exit code ${code}`);
      assert.notEqual(code, null, 'exited by itself, not killed');
      assert.ok(server.stderr.includes(`Prisma Lens: the client sent a malformed message (${reason}`), server.stderr);
      assert.match(server.stderr, /; exiting so the client restarts the server\n/);
      assert.doesNotMatch(server.stderr, /^\s+at /m, 'no stack trace');
      // The process ends at once, so the request before the bad header may or may not be answered.
      assert.ok(!server.responses.some((response) => response.id === 2), 'nothing after the bad header is read');
    });
  }

  it('answers a body that is not JSON with a parse error, then answers the next request', async () => {
    const server = start();
    await server.write(frame('{"jsonrpc":"2.0","id":1,"method":'));
    await server.write(shutdown(2));
    assert.deepEqual(await server.response(2), { jsonrpc: '2.0', id: 2, result: null });
    const errors = server.responses.filter((response) => response.id === null);
    assert.equal(errors.length, 1, JSON.stringify(server.responses));
    assert.deepEqual(Object.keys(errors[0]).sort(), ['error', 'id', 'jsonrpc']);
    assert.equal(errors[0].error?.code, -32700);
    assert.match(errors[0].error?.message ?? '', /^Parse error: ./);
  });

  it('answers JSON that is not a JSON-RPC message with Invalid Request, then answers the next request', async () => {
    const server = start();
    await server.write(Buffer.concat([frame('[]'), frame('42'), frame({ hello: 'world' }), frame({ id: 7, method: 'shutdown' }), shutdown(8)]));
    assert.deepEqual(await server.response(8), { jsonrpc: '2.0', id: 8, result: null });
    const withoutId = server.responses.filter((response) => response.id === null);
    assert.deepEqual(withoutId.map((response) => response.error?.code), [-32600, -32600, -32600], JSON.stringify(server.responses));
    assert.ok(withoutId.every((response) => response.error?.message.startsWith('Invalid Request: ')), JSON.stringify(withoutId));
    // A request without "jsonrpc" still has an id the client waits on: the error carries it.
    const request7 = await server.response(7);
    assert.equal(request7.error?.code, -32600);
    assert.equal(request7.result, undefined);
  });

  it('reads a message that arrives one byte at a time, multi-byte characters included', async () => {
    const server = start();
    // Once the server answers, it is reading: the single bytes below reach it as separate chunks.
    await server.write(initialize(1));
    assert.ok((await server.response(1)).result, 'initialize answered');
    const id = 'split-é-分割-😀';
    for (const byte of shutdown(id)) {
      await server.write(Buffer.from([byte]));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    assert.deepEqual(await server.response(id), { jsonrpc: '2.0', id, result: null });
  });

  it('reads two messages written at once', async () => {
    const server = start();
    await server.write(Buffer.concat([initialize('ü-1'), shutdown('ü-2')]));
    assert.ok((await server.response('ü-1')).result, 'initialize answered');
    assert.deepEqual(await server.response('ü-2'), { jsonrpc: '2.0', id: 'ü-2', result: null });
  });

  it('reads a 3 MB didOpen and answers the request after it', async () => {
    const server = start();
    await server.write(initialize(1));
    await server.response(1);
    // Multi-byte characters throughout, so that a length counted in characters would misframe what follows.
    const text = 'const ü = "é😀";\n'.repeat(3 * 1024 * 1024 / 20);
    const didOpen = frame({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///nowhere/large.txt', languageId: 'plaintext', version: 1, text } } });
    assert.ok(didOpen.length > 3 * 1024 * 1024, `${didOpen.length} bytes`);
    const started = Date.now();
    await server.write(Buffer.concat([didOpen, shutdown(2)]));
    assert.deepEqual(await server.response(2), { jsonrpc: '2.0', id: 2, result: null });
    assert.ok(Date.now() - started < PATIENCE_MS, `${Date.now() - started} ms`);
  });
});
