// The SIP half of the protocol trace (docs/api.md "Running the daemon"): every message in and out at
// the transport layer, with direction and peer; credentials redacted by the logger (util/log.ts),
// bodies other than SDP left out unless CUSAX_TRACE names sip.
import type { Logger } from "../../util/log.js";
import { clip, contentTraced, tracing } from "../../util/trace.js";
import type { SipTarget } from "./types.js";

export type SipTraceOptions = {
  /** Include non-SDP bodies (SIP MESSAGE text and the like); default: CUSAX_TRACE names sip. */
  content?: boolean;
};

export class SipTrace {
  private readonly log: Logger;
  private readonly content: boolean;

  constructor(log: Logger, options: SipTraceOptions = {}) {
    this.log = log.child("trace");
    this.content = options.content ?? contentTraced("sip");
  }

  in(data: Uint8Array | string, peer: SipTarget): void {
    this.line("sip in", data, peer);
  }

  out(data: Uint8Array | string, peer: SipTarget): void {
    this.line("sip out", data, peer);
  }

  private line(msg: string, data: Uint8Array | string, peer: SipTarget): void {
    if (!tracing(this.log)) return;
    const text = typeof data === "string" ? data : Buffer.from(data).toString("utf8");
    this.log.debug(msg, {
      peer: `${peer.transport.toUpperCase()} ${peer.host}:${peer.port}`,
      bytes: typeof data === "string" ? Buffer.byteLength(data) : data.byteLength,
      text: clip(this.content ? text : withoutUserContent(text)),
    });
  }
}

/** The message with a body that is not SDP replaced by a note of its size and type. */
export function withoutUserContent(text: string): string {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0 || end + 4 >= text.length) return text;
  const head = text.slice(0, end + 4);
  const type = /^(?:Content-Type|c)\s*:\s*([^;\r\n]*)/im.exec(head)?.[1]?.trim().toLowerCase() ?? "unknown type";
  if (type === "application/sdp") return text;
  const bytes = Buffer.byteLength(text.slice(end + 4));
  return `${head}[${bytes} bytes of ${type} left out; CUSAX_TRACE=sip shows them]`;
}
