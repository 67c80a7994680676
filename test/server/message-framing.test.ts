/** The stdio message reader on its own: Content-Length framing at every split, broken framing, and bodies that are not JSON-RPC. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { Message, ResponseMessage } from 'vscode-languageserver/node';
import { ContentLengthDecoder, MalformedFramingError, MAX_BODY_BYTES, MAX_HEADER_BYTES } from '../../server/src/lsp/message-framing';
import { FramedMessageReader, invalidMessage } from '../../server/src/lsp/message-reader';

function frame(body: string, headers = ''): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n${headers}\r\n`, 'ascii'), bytes]);
}

/** Feeds `chunks` to a fresh decoder; returns the bodies as text and the framing error's reason, if any. */
function decode(...chunks: Buffer[]): { bodies: string[]; error?: string } {
  const decoder = new ContentLengthDecoder();
  const bodies: string[] = [];
  try {
    for (const chunk of chunks) decoder.push(chunk, (body) => bodies.push(body.toString('utf8')));
  } catch (error) {
    assert.ok(error instanceof MalformedFramingError, String(error));
    return { bodies, error: error.reason };
  }
  return { bodies };
}

describe('Content-Length decoder', () => {
  const first = '{"jsonrpc":"2.0","id":1,"method":"héllo 😀"}';
  const second = '{"jsonrpc":"2.0","method":"exit"}';
  const stream = Buffer.concat([frame(first, 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n'), frame(second)]);

  it('reads two messages from one chunk', () => {
    assert.deepEqual(decode(stream), { bodies: [first, second] });
  });

  it('reads the same messages whatever byte the stream is split at, inside headers and multi-byte characters alike', () => {
    for (let at = 1; at < stream.length; at++) {
      assert.deepEqual(decode(stream.subarray(0, at), stream.subarray(at)), { bodies: [first, second] }, `split at byte ${at}`);
    }
  });

  it('reads a stream fed one byte at a time', () => {
    const bytes = Array.from(stream, (byte) => Buffer.from([byte]));
    assert.deepEqual(decode(...bytes), { bodies: [first, second] });
  });

  it('takes header names in any case, with or without spaces, and an empty body', () => {
    assert.deepEqual(decode(Buffer.from('content-length:2\r\n\r\n{}CONTENT-LENGTH : 0\r\n\r\n')), { bodies: ['{}', ''] });
  });

  it('hands out a large body spread over many chunks in one piece', () => {
    const body = JSON.stringify({ text: 'é😀x'.repeat(300_000) });
    const bytes = frame(body);
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 65_536) chunks.push(bytes.subarray(at, at + 65_536));
    const decoded = decode(...chunks);
    assert.equal(decoded.bodies.length, 1);
    assert.equal(decoded.bodies[0], body);
  });

  it('refuses broken framing, after handing out the bodies before it', () => {
    const cases: [string, string][] = [
      ['Content-Type: application/json\r\n\r\n{}', 'no Content-Length header'],
      ['\r\n{}', 'no Content-Length header'],
      ['Content-Length: abc\r\n\r\n', 'Content-Length "abc" is not a number of bytes'],
      ['Content-Length: -5\r\n\r\n', 'Content-Length "-5" is not a number of bytes'],
      ['Content-Length: 1.5\r\n\r\n', 'Content-Length "1.5" is not a number of bytes'],
      ['Content-Length: 12abc\r\n\r\n', 'Content-Length "12abc" is not a number of bytes'],
      [`Content-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`, `Content-Length ${MAX_BODY_BYTES + 1} is more than the ${MAX_BODY_BYTES} bytes accepted`],
      ['Content-Length: 99999999999999999999999\r\n\r\n', `Content-Length 99999999999999999999999 is more than the ${MAX_BODY_BYTES} bytes accepted`],
      ['garbage\r\n', 'a header line without a name and a colon: "garbage"'],
      [': 3\r\n', 'a header line without a name and a colon: ": 3"'],
      ['Content-Length: 2\r\nContent-Length: 3\r\n\r\n', 'two different Content-Length headers'],
    ];
    for (const [input, reason] of cases) {
      assert.deepEqual(decode(frame('{}'), Buffer.from(input)), { bodies: ['{}'], error: reason }, JSON.stringify(input));
    }
  });

  it('gives up on a header block that never ends instead of waiting for ever', () => {
    const lineFeedsOnly = Buffer.from(`Content-Length: 2\n\n{}`.repeat(MAX_HEADER_BYTES));
    assert.match(decode(lineFeedsOnly).error ?? '', /header block longer than/);
    const oneByteAtATime = Array.from({ length: MAX_HEADER_BYTES + 1 }, () => Buffer.from('x'));
    assert.match(decode(...oneByteAtATime).error ?? '', /header block longer than/);
  });
});

describe('JSON-RPC shape check', () => {
  it('lets requests, notifications and responses through', () => {
    for (const message of [
      { jsonrpc: '2.0', id: 1, method: 'shutdown' },
      { jsonrpc: '2.0', id: 'a', method: 'shutdown', params: null },
      { jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: {} } },
      { jsonrpc: '2.0', method: 'x', params: [1] },
      { jsonrpc: '2.0', id: 3, result: null },
      { jsonrpc: '2.0', id: null, error: { code: 1, message: 'no' } },
    ]) {
      assert.equal(invalidMessage(message), undefined, JSON.stringify(message));
    }
  });

  it('names what is wrong, echoing the id of a request only', () => {
    const cases: [unknown, string | number | null, RegExp][] = [
      [[], null, /batches/],
      [[{ jsonrpc: '2.0', id: 1, method: 'shutdown' }], null, /batches/],
      [42, null, /got number/],
      [null, null, /got null/],
      [{}, null, /"jsonrpc" member/],
      [{ id: 7, method: 'shutdown' }, 7, /"jsonrpc" member/],
      [{ jsonrpc: '2.0', id: 8, method: 42 }, 8, /"method" member/],
      [{ jsonrpc: '2.0', id: true, method: 'shutdown' }, null, /"id" member/],
      [{ jsonrpc: '2.0', id: 9, method: 'x', params: 'text' }, 9, /"params" member/],
      [{ jsonrpc: '2.0', id: 10 }, null, /neither/],
      [{ jsonrpc: '2.0', id: {}, result: 1 }, null, /response's "id"/],
    ];
    for (const [json, id, reason] of cases) {
      const problem = invalidMessage(json);
      assert.equal(problem?.id, id, JSON.stringify(json));
      assert.match(problem?.reason ?? '', reason, JSON.stringify(json));
    }
  });
});

describe('FramedMessageReader', () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  function start(): { input: PassThrough; messages: Message[]; rejected: ResponseMessage[]; errors: Error[]; closes: () => number } {
    const input = new PassThrough();
    const messages: Message[] = [];
    const rejected: ResponseMessage[] = [];
    const errors: Error[] = [];
    let closes = 0;
    const reader = new FramedMessageReader(input, (response) => rejected.push(response));
    reader.onError((error) => errors.push(error));
    reader.onClose(() => closes++);
    reader.listen((message) => messages.push(message));
    return { input, messages, rejected, errors, closes: () => closes };
  }

  it('answers a body that is not JSON, or not JSON-RPC, and reads on', async () => {
    const { input, messages, rejected, errors } = start();
    input.write(Buffer.concat([frame('{"jsonrpc":'), frame('[]'), frame('{"jsonrpc":"2.0","id":4,"method":"shutdown"}')]));
    await tick();
    assert.deepEqual(messages, [{ jsonrpc: '2.0', id: 4, method: 'shutdown' }]);
    assert.equal(rejected.length, 2);
    assert.deepEqual({ ...rejected[0], error: { ...rejected[0].error, message: '' } }, { jsonrpc: '2.0', id: null, error: { code: -32700, message: '' } });
    assert.match(rejected[0].error?.message ?? '', /^Parse error: ./);
    assert.deepEqual(rejected[1], { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request: batches (JSON arrays) are not part of the Language Server Protocol' } });
    assert.deepEqual(errors, []);
  });

  it('fires one framing error and reads nothing after it', async () => {
    const { input, messages, errors } = start();
    input.write(Buffer.concat([frame('{"jsonrpc":"2.0","method":"a"}'), Buffer.from('Content-Length: abc\r\n\r\n')]));
    input.write(frame('{"jsonrpc":"2.0","method":"b"}'));
    await tick();
    assert.deepEqual(messages, [{ jsonrpc: '2.0', method: 'a' }]);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof MalformedFramingError);
  });

  it('reports the end of its input once', async () => {
    const { input, closes } = start();
    input.end();
    await tick();
    input.destroy();
    await tick();
    assert.equal(closes(), 1, 'end and close are one closing');
  });
});
