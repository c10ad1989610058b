// RFC 3261 §18.3 framing and RFC 5626 §3.5.1 / §4.4.1 keep-alives, chunk by chunk.
import { describe, expect, it } from "vitest";
import { contentLength, StreamFramer, type FrameEvent } from "./framing.js";

const msg = (body = "") =>
  `OPTIONS sip:a@example.test SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

const text = (evs: FrameEvent[]) => evs.map((e) => (e.kind === "message" ? Buffer.from(e.data).toString() : e.kind));

describe("StreamFramer", () => {
  it("frames one message split over many chunks, byte by byte", () => {
    const f = new StreamFramer({ side: "client" });
    const whole = msg("hello");
    const out: FrameEvent[] = [];
    for (const ch of whole) out.push(...f.push(Buffer.from(ch)));
    expect(text(out)).toEqual([whole]);
    expect(f.buffered).toBe(0);
  });

  it("frames two messages merged in one chunk, and keeps a partial third", () => {
    const f = new StreamFramer({ side: "client" });
    const a = msg("one");
    const b = msg("");
    const c = msg("three");
    expect(text(f.push(Buffer.from(a + b + c.slice(0, 20))))).toEqual([a, b]);
    expect(text(f.push(Buffer.from(c.slice(20))))).toEqual([c]);
  });

  it("counts Content-Length in bytes (UTF-8 body)", () => {
    const f = new StreamFramer({ side: "client" });
    const m = msg("héllo ✓");
    expect(text(f.push(Buffer.from(m)))).toEqual([m]);
  });

  it("reads the compact form l: for Content-Length", () => {
    const f = new StreamFramer({ side: "client" });
    const m = "SIP/2.0 200 OK\r\nl: 2\r\n\r\nok";
    expect(text(f.push(Buffer.from(m)))).toEqual([m]);
  });

  it("answers a double CRLF as a ping and a lone CRLF as a pong (client side)", () => {
    const f = new StreamFramer({ side: "client" });
    expect(text(f.push(Buffer.from("\r\n")))).toEqual(["pong"]);
    expect(text(f.push(Buffer.from("\r\n\r\n")))).toEqual(["ping"]);
    expect(text(f.push(Buffer.from(`\r\n${msg()}`)))).toEqual(["pong", msg()]);
  });

  it("on the server side, waits to tell a split ping from a pong", () => {
    const f = new StreamFramer({ side: "server" });
    expect(f.push(Buffer.from("\r\n"))).toEqual([]);
    expect(text(f.push(Buffer.from("\r\n")))).toEqual(["ping"]);
    expect(text(f.push(Buffer.from(`\r\n\r\n${msg()}\r\n\r\n`)))).toEqual(["ping", msg(), "ping"]);
  });

  it("refuses a header block beyond 64 KiB with 513 and then yields nothing", () => {
    const f = new StreamFramer({ side: "server" });
    const big = `OPTIONS sip:a SIP/2.0\r\nX-Big: ${"a".repeat(70_000)}`;
    const evs = f.push(Buffer.from(big));
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({ kind: "error", status: 513 });
    expect(f.push(Buffer.from(msg()))).toEqual([]);
  });

  it("refuses a Content-Length beyond the cap at once, without waiting for the body", () => {
    const f = new StreamFramer({ side: "server" });
    const evs = f.push(Buffer.from("MESSAGE sip:a SIP/2.0\r\nContent-Length: 100000\r\n\r\nxx"));
    expect(evs[0]).toMatchObject({ kind: "error", status: 513 });
  });

  it("refuses an unreadable or conflicting Content-Length with 400", () => {
    expect(new StreamFramer({ side: "server" }).push(Buffer.from("A sip:a SIP/2.0\r\nContent-Length: x\r\n\r\n"))[0]).toMatchObject({ kind: "error", status: 400 });
    expect(contentLength("A sip:a SIP/2.0\r\nContent-Length: 1\r\nl: 2")).toBe("bad");
    expect(contentLength("A sip:a SIP/2.0\r\nContent-Length: 5")).toBe(5);
    expect(contentLength("A sip:a SIP/2.0\r\nTo: x")).toBeUndefined();
  });

  it("treats a missing Content-Length as an empty body", () => {
    const f = new StreamFramer({ side: "client" });
    const m = "SIP/2.0 200 OK\r\nTo: x\r\n\r\n";
    expect(text(f.push(Buffer.from(m + m)))).toEqual([m, m]);
  });

  it("refuses a CR not followed by LF between messages", () => {
    const f = new StreamFramer({ side: "server" });
    expect(f.push(Buffer.from("\rX"))[0]).toMatchObject({ kind: "error", status: 400 });
  });
});
