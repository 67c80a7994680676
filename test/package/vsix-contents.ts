/** Lists the files in a .vsix (a zip archive) from its central directory, without unpacking it. */
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

export interface PackagedFile {
  /** The path inside the extension folder, e.g. `dist/server.js` (without the `extension/` prefix). */
  path: string;
  /** Bytes as stored in the archive. */
  compressedSize: number;
  /** Bytes once unpacked. */
  size: number;
  /** The file's text or bytes, unpacked. */
  read(): Buffer;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;

/** Every file under `extension/` in the archive; throws when the file is not a zip archive. */
export function packagedFiles(vsixPath: string): PackagedFile[] {
  const zip = readFileSync(vsixPath);
  // The end record sits in the last 22 bytes plus an optional comment of up to 64 kB.
  let end = -1;
  for (let offset = zip.length - 22; offset >= Math.max(0, zip.length - 22 - 0xffff); offset--) {
    if (zip.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) {
      end = offset;
      break;
    }
  }
  if (end < 0) throw new Error(`${vsixPath} is not a zip archive`);
  const entries = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const files: PackagedFile[] = [];
  for (let index = 0; index < entries; index++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_DIRECTORY_ENTRY) throw new Error(`${vsixPath}: damaged central directory`);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const method = zip.readUInt16LE(offset + 10);
    const localHeader = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    const read = (): Buffer => {
      const start = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const stored = zip.subarray(start, start + compressedSize);
      if (method === 0) return Buffer.from(stored);
      if (method === 8) return inflateRawSync(stored);
      throw new Error(`${name}: compression method ${method} is not supported`);
    };
    if (name.startsWith('extension/') && !name.endsWith('/')) files.push({ path: name.slice('extension/'.length), compressedSize, size, read });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}
