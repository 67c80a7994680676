/** Asynchronous results shared by key while they are pending or kept. */

/**
 * The result for `key` in `cache`, started by `start` on the first call and shared by the later
 * ones; a result that fails is dropped, so that the next call starts it again.
 */
export function sharedPending<K, V>(cache: Map<K, Promise<V>>, key: K, start: () => Promise<V>): Promise<V> {
  let pending = cache.get(key);
  if (!pending) {
    pending = start();
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}
