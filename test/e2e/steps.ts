/** Named, timed steps inside one end-to-end test, so a failure says where it happened. */
import type { TestContext } from 'node:test';

export type Step = <T>(name: string, run: () => Promise<T> | T) => Promise<T>;

/** Returns `step`, which runs one stage, reports its duration and prefixes its errors with its name. */
export function stepsOf(t: TestContext): Step {
  return async (name, run) => {
    const begun = Date.now();
    try {
      const result = await run();
      t.diagnostic(`${name} (${Date.now() - begun} ms)`);
      return result;
    } catch (error) {
      throw new Error(`step "${name}" failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  };
}
