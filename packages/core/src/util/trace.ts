// The protocol trace's switches (docs/api.md "Running the daemon"): trace lines are debug lines; what
// users wrote (chat and SIP MESSAGE bodies) is in them only for the protocols named in CUSAX_TRACE.
import type { Logger } from "./log.js";

export type TraceProtocol = "sip" | "xmpp";

/** The longest text one trace line carries; the rest is cut with a note. */
export const TRACE_MAX_CHARS = 16_384;

/** Whether CUSAX_TRACE (a comma list: sip, xmpp, or all) asks for users' content in `protocol`'s trace. */
export function contentTraced(protocol: TraceProtocol, value: string | undefined = process.env.CUSAX_TRACE): boolean {
  if (!value) return false;
  const names = value.toLowerCase().split(/[\s,]+/);
  return names.includes(protocol) || names.includes("all");
}

/** Whether trace lines on `log` would be written; loggers that cannot tell are assumed to want them. */
export function tracing(log: Logger): boolean {
  return log.enabled?.("debug") ?? true;
}

/** Cuts `text` to TRACE_MAX_CHARS, saying how much was left out. */
export function clip(text: string): string {
  if (text.length <= TRACE_MAX_CHARS) return text;
  return `${text.slice(0, TRACE_MAX_CHARS)}[... ${text.length - TRACE_MAX_CHARS} more characters]`;
}
