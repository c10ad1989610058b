// RFC 3261 §18.3 (stream framing by Content-Length), §7.5, §20.14; RFC 5626 §3.5.1 / §4.4.1 (CRLF keep-alive).
import { MAX_MESSAGE_SIZE } from "../message/index.js";

/** What a chunk of stream data yields, in order. */
export type FrameEvent =
  | { kind: "message"; data: Uint8Array }
  /** RFC 5626 §3.5.1: a double CRLF at a message boundary; answer with a single CRLF. */
  | { kind: "ping" }
  /** RFC 5626 §4.4.1: a single CRLF answering our ping. */
  | { kind: "pong" }
  /** The stream cannot be framed any more: answer `status` where possible, then close. */
  | { kind: "error"; status: 400 | 513; reason: string; head: Uint8Array };

export type FramerOptions = {
  /** "client": we opened the connection and send pings, so a lone CRLF is a pong; "server": we expect pings. */
  side: "client" | "server";
  /** Cap for the header block and for the body, each (default MAX_MESSAGE_SIZE, 64 KiB). */
  limit?: number;
};

const CR = 13;
const LF = 10;
const HEAD_END = Buffer.from("\r\n\r\n");
const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*(\S*)[ \t]*$/i;

/** Splits a byte stream into SIP messages and keep-alives. After an error it yields nothing more. */
export class StreamFramer {
  private buf: Buffer = Buffer.alloc(0);
  private failed = false;
  private readonly limit: number;

  constructor(private readonly options: FramerOptions) {
    this.limit = options.limit ?? MAX_MESSAGE_SIZE;
  }

  /** Bytes held that do not yet make a whole message. */
  get buffered(): number {
    return this.buf.length;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    if (this.failed) return [];
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const out: FrameEvent[] = [];
    for (;;) {
      const ev = this.next();
      if (!ev) break;
      out.push(ev);
      if (ev.kind === "error") {
        this.failed = true;
        this.buf = Buffer.alloc(0);
        break;
      }
    }
    return out;
  }

  private next(): FrameEvent | undefined {
    const b = this.buf;
    if (b.length === 0) return undefined;
    if (b[0] === CR || b[0] === LF) return this.keepAlive();
    const end = b.indexOf(HEAD_END);
    if (end < 0) {
      // §18.3 / brief: a header block beyond the cap is an error, not a reason to buffer forever.
      return b.length > this.limit ? this.fail(513, "Message Too Large") : undefined;
    }
    if (end + 4 > this.limit) return this.fail(513, "Message Too Large");
    const length = contentLength(b.toString("latin1", 0, end));
    if (length === "bad") return this.fail(400, "Bad Content-Length");
    // RFC 3261 §18.3: on a stream, Content-Length is mandatory; DEVIATION: a missing one means no body.
    const n = length ?? 0;
    if (n > this.limit) return this.fail(513, "Message Too Large");
    const total = end + 4 + n;
    if (b.length < total) return undefined;
    const data = new Uint8Array(b.subarray(0, total));
    this.buf = b.subarray(total);
    return { kind: "message", data };
  }

  /** CRLFs at a message boundary: "\r\n\r\n" is a ping, a lone "\r\n" a pong (§7.5 lets a server skip stray ones). */
  /** The error, with the start of what was buffered so the connection can try a reply. */
  private fail(status: 400 | 513, reason: string): FrameEvent {
    return { kind: "error", status, reason, head: new Uint8Array(this.buf.subarray(0, Math.min(this.buf.length, 8192))) };
  }

  private keepAlive(): FrameEvent | undefined {
    const b = this.buf;
    if (b[0] === LF) {
      this.buf = b.subarray(1); // a bare LF between messages: skipped
      return this.next();
    }
    if (b.length < 2) return undefined;
    if (b[1] !== LF) return this.fail(400, "Bad line end");
    if (b.length >= 4 && b[2] === CR && b[3] === LF) {
      this.buf = b.subarray(4);
      return { kind: "ping" };
    }
    const maybePing = b.length === 2 || (b.length === 3 && b[2] === CR);
    if (maybePing && this.options.side === "server") return undefined;
    if (maybePing && b.length === 3) return undefined;
    this.buf = b.subarray(2);
    return { kind: "pong" };
  }
}


/** The Content-Length of a header block, undefined when absent, "bad" when unreadable or conflicting (§20.14). */
export function contentLength(head: string): number | undefined | "bad" {
  let found: number | undefined;
  // §7.3.1: a folded line continues the previous one; Content-Length is never folded in practice.
  for (const line of head.split("\r\n").slice(1)) {
    const m = CONTENT_LENGTH.exec(line);
    if (!m) continue;
    const v = m[1] ?? "";
    if (!/^\d{1,10}$/.test(v)) return "bad";
    const n = Number(v);
    if (found !== undefined && found !== n) return "bad";
    found = n;
  }
  return found;
}

/** RFC 5626 §4.4.1 keep-alive bytes. */
export const CRLF_PING = Buffer.from("\r\n\r\n");
export const CRLF_PONG = Buffer.from("\r\n");
