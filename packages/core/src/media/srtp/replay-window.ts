// RFC 3711 §3.3.2 replay protection: a sliding window of recently seen
// indices below the highest authenticated one.

export type ReplayVerdict = "new" | "replay" | "too-old";

export class ReplayWindow {
  private highest = -1;
  private readonly seen: Uint8Array;

  /** §3.3.2 asks for at least 64; the default is 128. */
  constructor(readonly size = 128) {
    this.seen = new Uint8Array(size);
  }

  check(index: number): ReplayVerdict {
    if (index > this.highest) return "new";
    if (this.highest - index >= this.size) return "too-old";
    return this.seen[index % this.size] ? "replay" : "new";
  }

  /** Records an index that passed authentication. */
  accept(index: number): void {
    if (index > this.highest) {
      // Forget the slots that slide out of the window.
      const gap = Math.min(index - this.highest, this.size);
      for (let j = index - gap + 1; j <= index; j++) this.seen[j % this.size] = 0;
      this.highest = index;
    }
    this.seen[index % this.size] = 1;
  }
}
