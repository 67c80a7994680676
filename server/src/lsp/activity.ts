/**
 * When the server last answered the editor: background work (reading the workspace's queries for a
 * schema's facts) runs only once no request is being answered and none was for a moment, so that
 * it neither delays a pull answered in several steps nor the next keystroke's pull.
 */
let answering = 0;
let lastAnswered = 0;

/** Runs `answer` as a request being answered. */
export async function answeringRequest<T>(answer: () => Promise<T>): Promise<T> {
  answering++;
  try {
    return await answer();
  } finally {
    answering--;
    lastAnswered = performance.now();
  }
}

/** Whether no request is being answered, nor was in the last `ms` milliseconds. */
export function quietFor(ms: number): boolean {
  return answering === 0 && performance.now() - lastAnswered >= ms;
}
