// A per-object typed emitter: `on()` returns its own unsubscribe function,
// event names are keys of a map type, never built from strings.
import { AbortedError, TimeoutError } from "./errors.js";

export type EventMap = Record<string, unknown>;
export type Unsubscribe = () => void;
type Listener<T> = (payload: T) => void;

export class Emitter<E extends EventMap> {
  private listeners: { [K in keyof E]?: Set<Listener<E[K]>> } = {};

  on<K extends keyof E>(event: K, fn: Listener<E[K]>): Unsubscribe {
    const set = (this.listeners[event] ??= new Set());
    set.add(fn);
    return () => set.delete(fn);
  }

  once<K extends keyof E>(event: K, fn: Listener<E[K]>): Unsubscribe {
    const off = this.on(event, (p) => {
      off();
      fn(p);
    });
    return off;
  }

  /** Delivers to every listener; a listener that throws does not stop the others. */
  emit<K extends keyof E>(event: K, payload: E[K]): void {
    const set = this.listeners[event];
    if (!set) return;
    const errors: unknown[] = [];
    for (const fn of [...set]) {
      try {
        fn(payload);
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} listeners of ${String(event)} threw`);
  }

  listenerCount<K extends keyof E>(event: K): number {
    return this.listeners[event]?.size ?? 0;
  }
}

export type WaitOptions = { signal?: AbortSignal; timeoutMs?: number };

/** Resolves with the first payload of `event` that satisfies `match`. */
export function waitFor<E extends EventMap, K extends keyof E>(
  emitter: Emitter<E>,
  event: K,
  match: (payload: E[K]) => boolean = () => true,
  options: WaitOptions = {},
): Promise<E[K]> {
  return new Promise((resolve, reject) => {
    const cleanups: (() => void)[] = [];
    const done = () => cleanups.forEach((c) => c());
    cleanups.push(
      emitter.on(event, (p) => {
        if (!match(p)) return;
        done();
        resolve(p);
      }),
    );
    if (options.timeoutMs !== undefined) {
      const t = setTimeout(() => {
        done();
        reject(new TimeoutError(`no ${String(event)} within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      cleanups.push(() => clearTimeout(t));
    }
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) {
        done();
        reject(new AbortedError(`waiting for ${String(event)} aborted`));
        return;
      }
      const onAbort = () => {
        done();
        reject(new AbortedError(`waiting for ${String(event)} aborted`));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener("abort", onAbort));
    }
  });
}

/** An async iterator over every payload of `event` until `signal` aborts. */
export async function* iterate<E extends EventMap, K extends keyof E>(
  emitter: Emitter<E>,
  event: K,
  signal?: AbortSignal,
): AsyncGenerator<E[K]> {
  const queue: E[K][] = [];
  let wake: (() => void) | undefined;
  const off = emitter.on(event, (p) => {
    queue.push(p);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  try {
    while (!signal?.aborted) {
      const next = queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    off();
    signal?.removeEventListener("abort", onAbort);
  }
}
