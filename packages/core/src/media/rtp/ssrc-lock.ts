// RFC 3550 §8.2 (SSRC collisions and changes) and §6.3.7 (BYE) as a receive
// policy for a point-to-point call: we lock to the first authentic SSRC and
// count packets from any other SSRC on the same port as "unknown-ssrc"
// (a stray, looped or injected stream), except for a legitimate change:
//   - the locked source said BYE (§6.3.7: it left; a new one may follow), or
//   - the locked source has been silent for `switchAfterMs` (default 1000 ms:
//     50 audio frames; a sender restarted after a collision, §8.2, or a
//     media server handed the call to another one), or
//   - the caller resets the lock (a new offer/answer, e.g. re-INVITE).
// Opus DTX sends at least every 400 ms, so a live source never looks silent.

export type SsrcVerdict = "locked" | "same" | "switched" | "unknown-ssrc";

export class SsrcLock {
  private current: number | undefined;
  private lastSeenMs = 0;
  private said: Set<number> = new Set();
  switches = 0;

  constructor(readonly switchAfterMs = 1000) {}

  get ssrc(): number | undefined {
    return this.current;
  }

  check(ssrc: number, nowMs: number): SsrcVerdict {
    if (this.current === undefined) return this.lock(ssrc, nowMs, "locked");
    if (ssrc === this.current) {
      this.lastSeenMs = nowMs;
      return "same";
    }
    if (this.said.has(this.current) || nowMs - this.lastSeenMs >= this.switchAfterMs) {
      this.switches++;
      return this.lock(ssrc, nowMs, "switched");
    }
    return "unknown-ssrc";
  }

  /** §6.3.7: these sources left the session. */
  onBye(ssrcs: readonly number[]): void {
    for (const s of ssrcs) this.said.add(s);
  }

  reset(): void {
    this.current = undefined;
    this.said.clear();
  }

  private lock(ssrc: number, nowMs: number, verdict: SsrcVerdict): SsrcVerdict {
    this.current = ssrc;
    this.lastSeenMs = nowMs;
    this.said.delete(ssrc);
    return verdict;
  }
}
