// docs/api.md "Events": one readable line per event type for `cusax tail`.
// Every type the daemon sends has its own wording; a type this CLI does not
// know (a newer daemon) is printed as its type and JSON, never dropped.
type Data = Record<string, unknown>;
type Describe = (e: Data) => string;

const text = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v));
const quoted = (v: unknown): string => (typeof v === "string" && v !== "" ? ` "${v}"` : "");
const chat = (e: Data): string => (e.conversationId !== undefined ? ` [chat ${text(e.conversationId)}]` : "");

function seconds(ms: unknown): string {
  return typeof ms === "number" ? ` ${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s` : "";
}

function callLine(e: Data): string {
  const c = (e.call ?? {}) as Data;
  const hold = c.hold as { local?: boolean; remote?: boolean } | undefined;
  const held = hold?.local ? " (on hold)" : hold?.remote ? " (held by the peer)" : "";
  const reason = c.reason ? `: ${text(c.reason)}` : "";
  return `call ${text(c.remote)} ${text(c.state)}${held}${reason} (${text(c.id)})`;
}

function recordLine(e: Data): string {
  const r = (e.record ?? {}) as Data;
  const way = r.direction === "in" ? "from" : "to";
  const duration = r.outcome === "answered" && r.endedAt !== undefined ? seconds(r.durationMs ?? (r.endedAt as number) - (r.answeredAt as number)) : "";
  const reason = r.reason ? `: ${text(r.reason)}` : "";
  return `call record ${way} ${text(r.peer)}: ${text(r.outcome)}${duration}${reason}${chat(e)}`;
}

const CHAT_STATES: Record<string, string> = { composing: "is typing", paused: "stopped typing", active: "is active", inactive: "is inactive", gone: "left the chat" };

const DESCRIBE: Record<string, Describe> = {
  message: (e) => {
    const m = (e.message ?? {}) as Data;
    return `message ${m.direction === "in" ? `from ${text(m.from)}` : `to ${text(m.to)}`}${chat(e)}: ${text(m.body)}`;
  },
  incomingCall: (e) => {
    const c = (e.call ?? {}) as Data;
    return `incoming call from ${text(c.remote)}${chat(e)} (${text(c.id)}): cusax answer --call ${text(c.id)}`;
  },
  call: callLine,
  callRecord: recordLine,
  sipState: (e) => `${text(e.jid ?? e.bare)} on SIP: ${text(e.state)}${e.contactState && e.contactState !== e.state ? ` (contact ${text(e.contactState)})` : ""}`,
  subscriptionRequest: (e) => (e.approved ? `${text(e.from)} subscribed (approved: we asked them)` : `${text(e.from)} asks to see your presence: cusax approve ${text(e.from)} or cusax deny ${text(e.from)}`),
  registration: (e) => `SIP registration: ${text(e.state)}`,
  presence: (e) => (e.jid ? `${text(e.jid)} is ${text(e.show) || "offline"}${quoted(e.status)}` : `your presence: ${text(e.show)}${quoted(e.status)}`),
  contact: (e) => {
    if (e.removed) return `contact ${text(e.jid)} removed`;
    const c = (e.contact ?? {}) as Data;
    return `contact ${text(e.jid)}${c.name ? ` (${text(c.name)})` : ""}: subscription ${text(c.subscription)}`;
  },
  messageState: (e) => `message ${text(e.messageId)}${chat(e)}: ${text(e.state)}`,
  chatState: (e) => `${text(e.from)} ${CHAT_STATES[text(e.state)] ?? text(e.state)}${chat(e)}`,
  dtmf: (e) => `digit ${text(e.digit)} from the peer (call ${text(e.callId)})`,
};

/** The known event types (the daemon's docs/api.md table). */
export const EVENT_TYPES = Object.keys(DESCRIBE);

export function describeEvent(type: string, e: Data): string {
  const describe = DESCRIBE[type];
  return describe ? describe(e) : `${type} ${JSON.stringify(e)}`;
}
