// Events a peer process reports (baresip over ctrl_tcp, slixmpp over stdout),
// kept in arrival order, with waiting for the first one that matches (already
// arrived or still to come) under a generous time-out.

export class EventLog<E extends { type: string }> {
  readonly events: E[] = [];
  private readonly waiters = new Set<() => void>();

  /**
   * @param name used in error messages ("baresip bob")
   * @param gone tells, when asked, why no more events can come (the process exited), else undefined
   */
  constructor(
    private readonly name: string,
    private readonly gone: () => string | undefined = () => undefined,
  ) {}

  push(e: E): void {
    this.events.push(e);
    this.poke();
  }

  /** Re-checks the waiters (e.g. when the process exits). */
  poke(): void {
    this.waiters.forEach((w) => w());
  }

  wait(match: (e: E) => boolean, what: string, timeoutMs = 30_000): Promise<E> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.events.find(match);
        const why = hit ? undefined : this.gone();
        if (!hit && !why) return;
        cleanup();
        if (hit) resolve(hit);
        else reject(new Error(`${this.name}: ${why} before ${what}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms; events: ${this.events.map((e) => e.type).join(", ")}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}
