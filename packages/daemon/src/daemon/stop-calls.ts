// Stopping the daemon ends every call first (docs/api.md "Running the daemon"): each is hung up
// (BYE, CANCEL or 603) and given a short while to end on the peer's answer; the SIP core's close()
// ends any still left, so every outcome is recorded before the store closes.
import type { SipCall } from "@cusax/core";

/** Hangs up every call and resolves when all have ended, or after `graceMs`. */
export async function hangUpAll(calls: readonly SipCall[], graceMs = 3_000): Promise<void> {
  const live = calls.filter((c) => c.state !== "ended");
  if (live.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const ended = live.map((c) => new Promise<void>((resolve) => {
    if (c.state === "ended") return resolve();
    c.events.once("ended", () => resolve());
  }));
  for (const c of live) c.hangup();
  await Promise.race([Promise.all(ended), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
}
