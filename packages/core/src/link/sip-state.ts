// protocol.md §3 "Reading others": the SIP state of a contact's resource from
// its presence: XEP-0152 reach, XEP-0115 caps features, RFC 6121 show/status,
// XEP-0108 activity (talking/on_the_phone, on_video_phone).

export type SipState = "callable" | "on-the-phone" | "unreachable" | "unknown";

export const NS_REACH = "urn:xmpp:reach:0";
export const NS_CUSAX = "urn:xmpp:cusax:0";
export const NS_CUSAX_AUDIO = "urn:xmpp:cusax:0:audio";
export const NS_CUSAX_VIDEO = "urn:xmpp:cusax:0:video";

export type ResourceFacts = {
  available: boolean;
  /** <reach/> addr URIs of this resource's presence (any scheme). */
  reach: readonly string[];
  /** disco#info features behind its caps; undefined while not yet resolved. */
  features?: readonly string[];
  show?: "chat" | "away" | "xa" | "dnd";
  status?: string;
  /** XEP-0108 activity: general and specific category. */
  activity?: { general: string; specific?: string };
};

// §3: the status text cusax puts up during a call; other clients (Jitsi) use the first.
const ON_CALL_STATUS = /^\s*on (the phone|a video call)\s*$/i;

function onTheCall(f: ResourceFacts): boolean {
  // XEP-0108 §2.1: talking/on_the_phone and talking/on_video_phone.
  if (f.activity?.general === "talking" && /^on_(the|video)_phone$/.test(f.activity.specific ?? "")) return true;
  return f.show === "dnd" && f.status !== undefined && ON_CALL_STATUS.test(f.status);
}

const callableUri = (u: string) => /^\s*(sips?|tel):/i.test(u);

/**
 * - unknown: nothing says this resource speaks our conventions (a legacy
 *   client, or caps not resolved yet and no reach);
 * - on-the-phone: XEP-0108 talking, or the dnd + "On the phone" of §3;
 * - callable: a SIP/tel reach address and a media feature (audio or video);
 * - unreachable: offline, or our conventions without media features (§3:
 *   features are withdrawn while SIP is not registered) or without reach.
 */
export function deriveSipState(f: ResourceFacts): SipState {
  const reach = f.reach.filter(callableUri);
  const features = f.features ?? [];
  const media = features.includes(NS_CUSAX_AUDIO) || features.includes(NS_CUSAX_VIDEO);
  const ours = features.includes(NS_CUSAX) || media;
  if (!f.available) return ours || reach.length > 0 ? "unreachable" : "unknown";
  if (onTheCall(f)) return "on-the-phone";
  if (ours) return media && reach.length > 0 ? "callable" : "unreachable";
  // Not (known to be) ours: reach alone names addresses, but without resolved
  // caps we cannot tell whether SIP is registered right now.
  if (reach.length > 0 && f.features !== undefined) return "callable";
  return "unknown";
}

/**
 * One state for a person over all their resources: on the phone anywhere wins
 * (it is the same person), then callable, then unreachable.
 */
export function contactSipState(resources: readonly ResourceFacts[]): SipState {
  const states = resources.map(deriveSipState);
  for (const s of ["on-the-phone", "callable", "unreachable"] as const) if (states.includes(s)) return s;
  return "unknown";
}
