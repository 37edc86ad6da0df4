/** Combinators over async streams of log lines: merge by time, keep the last N, interleave, batch. */

export type Timed = { time: string | null };

const keyOf = (t: string | null, previous: number) => (t ? Date.parse(t) : previous);

/**
 * Merges streams that are each in time order into one in time order (a k-way merge that only ever
 * holds one line per stream). Equal times keep the order of `sources` (Podman's times are whole
 * seconds: within a second, the first service's lines come first). A line without a time sorts with
 * the one before it in its own stream.
 */
export async function* mergeByTime<T extends Timed>(sources: AsyncIterator<T>[]): AsyncGenerator<T> {
  const heads = await Promise.all(sources.map((s) => s.next()));
  const keys = heads.map((h) => (h.done ? 0 : keyOf(h.value.time, -Infinity)));
  try {
    for (;;) {
      let pick = -1;
      for (let i = 0; i < heads.length; i++) if (!heads[i]!.done && (pick < 0 || keys[i]! < keys[pick]!)) pick = i;
      if (pick < 0) return;
      yield heads[pick]!.value as T;
      heads[pick] = await sources[pick]!.next();
      if (!heads[pick]!.done) keys[pick] = keyOf((heads[pick]!.value as T).time, keys[pick]!);
    }
  } finally {
    for (const s of sources) void s.return?.(undefined)?.catch(() => undefined);
  }
}

/** The last `n` items of a finite stream (all of it read, at most n held). */
export async function* lastN<T>(source: AsyncIterable<T>, n: number): AsyncGenerator<T> {
  if (n <= 0) return;
  const ring: T[] = [];
  let start = 0;
  for await (const item of source) {
    if (ring.length < n) ring.push(item);
    else {
      ring[start] = item;
      start = (start + 1) % n;
    }
  }
  for (let i = 0; i < ring.length; i++) yield ring[(start + i) % ring.length]!;
}

/** Items of several endless streams as they arrive, whichever stream they come from. */
export async function* interleave<T>(sources: AsyncIterator<T>[]): AsyncGenerator<T> {
  const pull = (i: number) => sources[i]!.next().then((r) => ({ i, r }));
  const pending = new Map(sources.map((_, i) => [i, pull(i)]));
  try {
    while (pending.size) {
      const { i, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(i);
        continue;
      }
      pending.set(i, pull(i));
      yield r.value;
    }
  } finally {
    for (const s of sources) void s.return?.(undefined)?.catch(() => undefined);
  }
}

const WAITED = Symbol("waited");

/**
 * Groups a stream into arrays: what is already there goes out together (up to `max`), and a line that
 * arrives alone waits at most `windowMs` for company. A page of history is then a few events, not
 * thousands, while a followed line still shows at once.
 */
export async function* batched<T>(source: AsyncIterator<T>, max = 500, windowMs = 50): AsyncGenerator<T[]> {
  let pending: Promise<IteratorResult<T>> | null = null;
  let batch: T[] = [];
  let deadline = 0;
  try {
    for (;;) {
      pending ??= source.next();
      let r: IteratorResult<T> | typeof WAITED;
      if (batch.length) {
        let timer: NodeJS.Timeout | undefined;
        const wait = new Promise<typeof WAITED>((res) => (timer = setTimeout(() => res(WAITED), Math.max(0, deadline - Date.now()))));
        r = await Promise.race([pending, wait]);
        clearTimeout(timer);
      } else r = await pending;
      if (r === WAITED) {
        yield batch;
        batch = [];
        continue;
      }
      pending = null;
      if (r.done) {
        if (batch.length) yield batch;
        return;
      }
      if (!batch.length) deadline = Date.now() + windowMs;
      batch.push(r.value);
      if (batch.length >= max) {
        yield batch;
        batch = [];
      }
    }
  } finally {
    void source.return?.(undefined)?.catch(() => undefined);
  }
}
