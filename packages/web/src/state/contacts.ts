// protocol.md §3 and §7 as the contact list shows them: presence dot
// (available/away/DND/offline), SIP state (callable/on the phone/unreachable),
// media, and the order (last activity first, then name).
import type { ContactView, PeerShow, SipState } from "../api/types.js";
import { contactKey, displayName } from "./address.js";

export type Dot = "available" | "away" | "dnd" | "offline";

/**
 * The presence dot. The daemon's peer presence when it sends one; otherwise
 * derived from the SIP state: on the phone is DND, callable is online.
 */
export function presenceDot(c: ContactView): Dot {
  const show: PeerShow | undefined = c.presence?.show;
  if (show === "offline") return "offline";
  if (show === "away" || show === "xa") return "away";
  if (show === "dnd") return "dnd";
  if (show === "available" || show === "chat") return c.sipState === "on-the-phone" ? "dnd" : "available";
  if (c.sipState === "on-the-phone") return "dnd";
  return c.sipState === "callable" ? "available" : "offline";
}

const DOT_LABEL: Record<Dot, string> = { available: "Available", away: "Away", dnd: "Do not disturb", offline: "Offline" };

export function presenceText(c: ContactView): string {
  const dot = presenceDot(c);
  const status = c.presence?.status?.trim();
  if (c.presence?.show === "xa") return status ? `Away for long: ${status}` : "Away for long";
  return status ? `${DOT_LABEL[dot]}: ${status}` : DOT_LABEL[dot];
}

// protocol.md §3: the status text cusax (and Jitsi) put up during a call.
const ON_CALL_STATUS = /^\s*on (the phone|a video call)\s*$/i;

/** One line for the list and the chat header: presence and SIP state, "On the phone" said once. */
export function statusLine(c: ContactView): string {
  if (c.sipState === "on-the-phone") {
    const status = c.presence?.status?.trim();
    return status && !ON_CALL_STATUS.test(status) ? `On the phone · ${status}` : "On the phone";
  }
  return `${presenceText(c)} · ${sipLabel(c.sipState)}`;
}

const SIP_LABEL: Record<SipState, string> = {
  callable: "Callable",
  "on-the-phone": "On the phone",
  unreachable: "Not reachable by phone",
  unknown: "Phone state unknown",
};

export const sipLabel = (s: SipState | undefined): string => SIP_LABEL[s ?? "unknown"];

/** Whether a call can be offered, and why not; `busy`: they are on the phone (offer "tell me when free"). */
export function callability(c: ContactView): { ok: boolean; busy: boolean; reason?: string } {
  const hasAddress = c.sip.length + c.tel.length > 0;
  if (c.sipState === "on-the-phone") return { ok: true, busy: true };
  if (c.sipState === "callable") return { ok: true, busy: false };
  if (c.sipState === "unreachable") return { ok: false, busy: false, reason: `${displayName(c)} is not reachable by phone right now` };
  if (hasAddress) return { ok: true, busy: false };
  return { ok: false, busy: false, reason: `No SIP address known for ${displayName(c)}` };
}

/** Audio and video capability: the daemon's `media` if given, else callable means audio. */
export function mediaOf(c: ContactView): { audio: boolean; video: boolean } {
  if (c.media) return { audio: c.media.audio === true, video: c.media.video === true };
  const reachable = c.sipState === "callable" || c.sipState === "on-the-phone";
  return { audio: reachable, video: false };
}

export function initial(c: ContactView): string {
  const n = displayName(c).trim();
  return (n.match(/[\p{L}\p{N}]/u)?.[0] ?? "?").toUpperCase();
}

/** Most recent activity first; then by name. */
export function sortContacts(list: readonly ContactView[], activity: Readonly<Record<string, number>>): ContactView[] {
  return [...list].sort((a, b) => {
    const d = (activity[contactKey(b)] ?? 0) - (activity[contactKey(a)] ?? 0);
    return d !== 0 ? d : displayName(a).localeCompare(displayName(b));
  });
}

/** Contacts whose name or addresses contain the filter text. */
export function filterContacts(list: readonly ContactView[], text: string): ContactView[] {
  const q = text.trim().toLowerCase();
  if (!q) return [...list];
  return list.filter((c) => [displayName(c), ...c.jids, ...c.sip, ...c.tel].some((s) => s.toLowerCase().includes(q)));
}
