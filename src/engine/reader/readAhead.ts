/** Files read ahead of the one being chunked (at most 1 MiB each when read whole, so a few MiB of memory). */
export const READ_AHEAD_FILES = 8;

/**
 * Maps items through an async function with up to `depth` calls in flight, yielding results in input order.
 * File reads wait on the disk and the thread pool; keeping a few ahead hides that wait behind the parsing.
 */
export async function* readAhead<T, R>(items: Iterable<T>, depth: number, open: (item: T) => Promise<R>): AsyncGenerator<[T, R]> {
  const pending: [T, Promise<R>][] = [];
  const iterator = items[Symbol.iterator]();
  const fill = (): void => {
    while (pending.length < depth) {
      const next = iterator.next();
      if (next.done) return;
      const promise = open(next.value);
      promise.catch(() => undefined); // awaited in order below; a rejection is not unhandled meanwhile
      pending.push([next.value, promise]);
    }
  };
  fill();
  while (pending.length > 0) {
    const [item, promise] = pending.shift()!;
    const result = await promise;
    fill();
    yield [item, result];
  }
}
