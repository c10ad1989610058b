// RFC 6120 §11.1 restricted XML and a stanza size limit, enforced before ltx
// parses: ltx skips <!DOCTYPE ...> until "-->" (stalling the stream), throws on
// undeclared entities, and buffers elements of any size.
import type { Parser } from "@xmpp/client";

export const DEFAULT_MAX_STANZA_BYTES = 256 * 1024;
const SLICE = 4096;

export type XmlViolation = { condition: "restricted-xml" | "policy-violation" | "not-well-formed"; reason: string };

/** Scans stream text chunk by chunk; keeps what it needs across chunk boundaries. */
export class StreamGuard {
  private tail = "";
  private sinceStanza = 0;
  constructor(private readonly maxStanzaBytes = DEFAULT_MAX_STANZA_BYTES) {}

  /** A top-level element (or the stream header) just ended: start counting again. */
  stanzaEnded(): void {
    this.sinceStanza = 0;
  }

  scan(chunk: string): XmlViolation | undefined {
    this.sinceStanza += Buffer.byteLength(chunk, "utf8");
    if (this.sinceStanza > this.maxStanzaBytes)
      return { condition: "policy-violation", reason: `stanza larger than ${this.maxStanzaBytes} bytes` };
    const text = this.tail + chunk;
    const markup = /<[!?]/g;
    let m: RegExpExecArray | null;
    while ((m = markup.exec(text))) {
      const rest = text.slice(m.index + 2, m.index + 9);
      if (rest.length < 7 && text.length - m.index < 9) break; // decide when more arrives
      if (m[0] === "<!" && !rest.startsWith("[CDATA[")) return { condition: "restricted-xml", reason: `markup <!${rest.slice(0, 7)} (DTD, entity or comment)` };
      if (m[0] === "<?" && !/^xml[\s?]/.test(rest)) return { condition: "restricted-xml", reason: "processing instruction" };
    }
    this.tail = text.slice(-8);
    return undefined;
  }
}

type ParserClass = new () => Parser;

export class XmlGuardError extends Error {
  constructor(readonly violation: XmlViolation) {
    super(`${violation.condition}: ${violation.reason}`);
    this.name = "XmlGuardError";
  }
}

/**
 * Wraps a parser class: checks each slice with StreamGuard, turns exceptions
 * thrown by ltx (bad entities, bad character references) into parser "error"
 * events, and goes silent after the first error (the connection then sends a
 * stream error, RFC 6120 §4.9.3, and reconnects).
 */
export function guardedParser(Base: ParserClass, maxStanzaBytes = DEFAULT_MAX_STANZA_BYTES): ParserClass {
  return class GuardedParser extends Base {
    private readonly guard = new StreamGuard(maxStanzaBytes);
    private dead = false;
    constructor() {
      super();
      this.on("element", () => this.guard.stanzaEnded());
      this.on("start", () => this.guard.stanzaEnded());
    }
    override write(data: string): void {
      if (this.dead) return;
      const text = typeof data === "string" ? data : String(data);
      for (let i = 0; i < text.length && !this.dead; i += SLICE) this.writeSlice(text.slice(i, i + SLICE));
    }
    private writeSlice(slice: string): void {
      const violation = this.guard.scan(slice);
      if (violation) return this.fail(new XmlGuardError(violation));
      try {
        super.write(slice);
      } catch (err) {
        this.fail(new XmlGuardError({ condition: "not-well-formed", reason: (err as Error).message }));
      }
    }
    private fail(err: XmlGuardError): void {
      this.dead = true;
      this.emit("error", err);
    }
  };
}
