// The XMPP half of the protocol trace (docs/api.md "Running the daemon"): every top-level element in
// and out (RFC 6120 §4.1 stanzas and nonzas), with direction and peer; SASL payloads (§6.4) and
// password elements redacted by the logger (util/log.ts); chat bodies left out unless CUSAX_TRACE
// names xmpp.
import type { Element, Entity } from "@xmpp/client";
import type { Logger } from "../../util/log.js";
import { clip, contentTraced, tracing } from "../../util/trace.js";

export type XmppTraceOptions = {
  /** Include message bodies (RFC 6121 §5.2.3) and XHTML-IM; default: CUSAX_TRACE names xmpp. */
  content?: boolean;
};

/** Traces `entity`'s traffic on `log` (as debug lines in scope `<log>.trace`). */
export function traceXmpp(entity: Entity, log: Logger, options: XmppTraceOptions = {}): void {
  const trace = log.child("trace");
  const content = options.content ?? contentTraced("xmpp");
  const line = (msg: string, el: Element) => {
    if (!tracing(trace)) return;
    const text = el.toString();
    trace.debug(msg, { peer: peerOf(entity), text: clip(content ? text : withoutUserContent(text)) });
  };
  entity.on("element", ((el: Element) => line("xmpp in", el)) as never);
  entity.on("send", ((el: Element) => line("xmpp out", el)) as never);
}

function peerOf(entity: Entity): string {
  const socket = (entity as unknown as { socket?: { remoteAddress?: string; remotePort?: number; url?: string } | null }).socket;
  if (!socket) return "unknown";
  if (socket.remoteAddress !== undefined) return `${socket.remoteAddress}:${socket.remotePort ?? "?"}`;
  return socket.url ?? "unknown";
}

/** The element text with message bodies, subjects and XHTML-IM replaced by a note of their length. */
export function withoutUserContent(text: string): string {
  return text
    .replace(/(<(body|subject)\b[^>]*>)([\s\S]*?)(<\/\2>)/g, (_m, open: string, _n, inner: string, close: string) => `${open}[${inner.length} characters left out; CUSAX_TRACE=xmpp shows them]${close}`)
    .replace(/<html\b[^>]*xhtml-im[^>]*>[\s\S]*?<\/html>/g, "<html>[XHTML-IM left out]</html>");
}
