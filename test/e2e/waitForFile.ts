/** Waits for a file on disk to reach an expected state, woken by file-system events rather than polling. */
import { readFileSync, watch } from 'node:fs';
import { dirname } from 'node:path';

/** Resolves with the file's text once `accept` returns true for it; rejects after `timeoutMs`. */
export function waitForFile(path: string, accept: (text: string) => boolean, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let last = '';
    const watcher = watch(dirname(path));
    const finish = () => {
      clearTimeout(timer);
      watcher.close();
    };
    const check = () => {
      try {
        last = readFileSync(path, 'utf8');
      } catch {
        return; // Mid-replace: the next event brings the new file.
      }
      if (accept(last)) {
        finish();
        resolve(last);
      }
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`${path} did not reach the expected content within ${timeoutMs} ms; it reads:\n${last}`));
    }, timeoutMs);
    // 'change' fires for both kinds of event: content written and file replaced.
    watcher.on('change', check);
    watcher.on('error', (error) => {
      finish();
      reject(error);
    });
    check();
  });
}
