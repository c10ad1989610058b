// The app's side effects on state changes: notices (browser notifications,
// "free now", dial then), read marks for the open conversation, the ring
// tone, statistics polling every 2 s while a call is up, tab visibility,
// and the page's media legs (re-render on their changes, closed when calls end).
import { useEffect, useRef, useState } from "preact/hooks";
import type { MediaLeg } from "../media/media-leg.js";
import { contactKey, displayName } from "../state/address.js";
import { ringingCalls } from "../state/calls.js";
import { timelineOf, type Action, type AppState } from "../state/store.js";
import { showNotification } from "../util/notify.js";
import { RingTone } from "../util/ring.js";
import { errorText, type Actions } from "./actions.js";

const nameOf = (s: AppState, key?: string) => {
  const c = s.contacts.find((x) => contactKey(x) === key);
  return c ? displayName(c) : key ?? "Someone";
};

export function useNotices(s: AppState, dispatch: (a: Action) => void, actions: Actions, toast: (t: string) => void): void {
  useEffect(() => {
    for (const n of s.notices) {
      dispatch({ type: "noticeDone", id: n.id });
      const who = nameOf(s, n.contactKey);
      if (n.kind === "message") showNotification(who, n.text, () => void actions.open(n.contactKey));
      if (n.kind === "call") showNotification(`${who} is calling`, n.text, () => n.contactKey && void actions.open(n.contactKey));
      if (n.kind === "free") {
        toast(`${who} is free now${n.dial ? ": calling" : ""}`);
        showNotification(`${who} is free now`, n.dial ? "Calling them" : "You asked to be told", () => void actions.open(n.contactKey));
        const c = s.contacts.find((x) => contactKey(x) === n.contactKey);
        if (n.dial && c?.jids[0]) void actions.call(c.jids[0]).catch((e) => toast(`Call failed: ${errorText(e)}`));
      }
    }
  }, [s.notices]);
}

/** Marks what the user sees in the open conversation as read (POST /conversations/:id/read). */
export function useReadMarks(s: AppState, actions: Actions): void {
  const done = useRef(new Map<number, number>());
  const key = s.selected;
  const items = key ? timelineOf(s, key).items : [];
  const lastIn = [...items].reverse().find((i) => i.kind === "message" && i.direction === "in");
  useEffect(() => {
    if (!key || !s.visible || !lastIn || lastIn.kind !== "message" || s.connection.state !== "online") return;
    if ((done.current.get(lastIn.conversationId) ?? -1) >= lastIn.id) return;
    done.current.set(lastIn.conversationId, lastIn.id);
    void actions.markRead(lastIn.conversationId, lastIn.id).catch(() => done.current.delete(lastIn.conversationId));
  }, [key, s.visible, lastIn?.kind === "message" ? lastIn.id : undefined, s.connection.state]);
}

export function useRing(s: AppState): void {
  const ring = useRef<RingTone | undefined>(undefined);
  const ringing = ringingCalls(s.calls).length > 0;
  useEffect(() => {
    ring.current ??= new RingTone();
    if (ringing) ring.current.start();
    else ring.current.stop();
  }, [ringing]);
}

export function useStatsPolling(s: AppState, actions: Actions): void {
  const up = Object.values(s.calls).filter((c) => c.call.state === "established").map((c) => c.call.id).join(",");
  useEffect(() => {
    if (!up) return;
    const ids = up.split(",");
    const poll = () => ids.forEach((id) => void actions.stats(id).catch(() => undefined));
    poll();
    const t = setInterval(poll, 2000);
    return () => clearInterval(t);
  }, [up]);
}

export function useVisibility(dispatch: (a: Action) => void): void {
  useEffect(() => {
    const f = () => dispatch({ type: "visible", visible: !document.hidden });
    f();
    document.addEventListener("visibilitychange", f);
    return () => document.removeEventListener("visibilitychange", f);
  }, []);
}

/** Renders again when a call's media changes; closes the legs of calls that ended. */
export function useMediaLegs(s: AppState, media: MediaLeg): void {
  const [, setTick] = useState(0);
  useEffect(() => media.subscribe(() => setTick((t) => t + 1)), [media]);
  const ids = Object.keys(s.calls).join(",");
  useEffect(() => media.keep(ids ? ids.split(",") : []), [ids]);
}
