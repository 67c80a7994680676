/** Creates the server's connection on the transport named on the command line, reading stdio through a reader that survives malformed messages. */
import { writeSync } from 'node:fs';
import { format } from 'node:util';
import {
  createConnection,
  Message,
  ProposedFeatures,
  ShutdownRequest,
  StreamMessageWriter,
  type DataCallback,
  type Disposable,
  type RemoteConsole,
} from 'vscode-languageserver/node';
import { MalformedFramingError } from './message-framing';
import { FramedMessageReader } from './message-reader';

/**
 * The connection to the client. VS Code starts the server with `--node-ipc`, whose messages arrive
 * already parsed and which vscode-languageserver sets up as before; `--stdio` (other editors, and
 * the server tests) is read by `FramedMessageReader`. The first transport argument wins, as in
 * vscode-languageserver.
 */
export function createServerConnection() {
  const transport = process.argv.slice(2).find((arg) => /^--(node-ipc|stdio|socket|pipe)(=|$)/.test(arg));
  if (transport !== '--stdio') return createConnection(ProposedFeatures.all);

  const writer = new StreamMessageWriter(process.stdout);
  // A failed write is already reported through the writer's onError, which the connection listens to.
  const reader = new StdioMessageReader(process.stdin, (response) => void writer.write(response).catch(() => undefined));
  reader.onError((error) => {
    if (error instanceof MalformedFramingError) exitOnMalformedFraming(error.reason);
  });
  // vscode-languageserver does this for a stdin stream, but not for a reader: a server whose client
  // is gone must not linger. The exit code is the one it uses.
  reader.onClose(() => process.exit(reader.shutdownRequested ? 0 : 1));
  const connection = createConnection(ProposedFeatures.all, reader, writer);
  routeConsoleTo(connection.console);
  return connection;
}

/** Notes a `shutdown` request on its way, for the exit code when stdin closes. */
class StdioMessageReader extends FramedMessageReader {
  shutdownRequested = false;

  override listen(callback: DataCallback): Disposable {
    return super.listen((message) => {
      if (Message.isRequest(message) && message.method === ShutdownRequest.method) this.shutdownRequested = true;
      callback(message);
    });
  }
}

/**
 * Ends the process: after broken framing no byte can be trusted to start a message, and a server
 * that stays up but never answers is worse than one that exits, which vscode-languageclient and
 * other clients restart. The reason goes to stderr, the one channel left, in one line.
 */
function exitOnMalformedFraming(reason: string): never {
  try {
    // Synchronous, so that the line is out before the process ends (a pipe is asynchronous on macOS).
    writeSync(process.stderr.fd, `Prisma Lens: the client sent a malformed message (${reason}); exiting so the client restarts the server\n`);
  } catch {
    // Stderr is gone too: there is no one left to tell.
  }
  process.exit(1);
}

/**
 * Sends `console` output to the client's log, as vscode-languageserver does when it opens stdio
 * itself: on stdout it would corrupt the messages. Node's other console methods (count, table,
 * group, time, assert, trace) write through these.
 */
function routeConsoleTo(remote: RemoteConsole): void {
  console.log = (...args: unknown[]) => remote.log(format(...args));
  console.info = (...args: unknown[]) => remote.info(format(...args));
  console.debug = (...args: unknown[]) => remote.log(format(...args));
  console.warn = (...args: unknown[]) => remote.warn(format(...args));
  console.error = (...args: unknown[]) => remote.error(format(...args));
  console.dir = (item: unknown) => remote.log(format('%O', item));
  console.dirxml = (...args: unknown[]) => remote.log(format(...args));
}
