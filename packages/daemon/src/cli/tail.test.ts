import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FetchLike } from "./daemon-client.js";
import { describeEvent, EVENT_TYPES } from "./describe-event.js";
import { capturedIo } from "./fixtures/captured-io.js";
import { main } from "./main.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cusax-tail-"));
  writeFileSync(join(dir, "api-url"), "http://127.0.0.1:9\n");
  writeFileSync(join(dir, "api-token"), "tok-1\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const io = (fetchFn: FetchLike) => capturedIo(dir, fetchFn);

const frame = (id: number, type: string, data: unknown) => `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify({ type, ...(data as object) })}\n\n`;
/** A stream that sends `chunks` and then ends (the daemon went away). */
const ended = (chunks: string[]) => new Response(new ReadableStream({ start(c) { for (const x of chunks) c.enqueue(new TextEncoder().encode(x)); c.close(); } }));

const SAMPLES: Record<string, unknown> = {
  message: { conversationId: 7, message: { direction: "in", from: "bob@example.test", body: "lunch?" } },
  incomingCall: { conversationId: 7, call: { id: "c1", remote: "sip:bob@example.test", state: "ringing" } },
  call: { call: { id: "c1", remote: "sip:bob@example.test", state: "established", hold: { local: true, remote: false } } },
  callRecord: { conversationId: 7, record: { direction: "in", peer: "sip:bob@example.test", outcome: "answered", answeredAt: 1000, endedAt: 13_500 } },
  sipState: { jid: "bob@example.test/phone", bare: "bob@example.test", state: "busy", contactState: "in-call" },
  subscriptionRequest: { from: "carol@example.test", approved: false },
  registration: { state: "registered" },
  presence: { jid: "bob@example.test", show: "away", status: "lunch" },
  contact: { jid: "bob@example.test", contact: { name: "Bob", subscription: "both" } },
  messageState: { conversationId: 7, messageId: 12, state: "displayed" },
  chatState: { from: "bob@example.test/phone", state: "composing", conversationId: 7 },
  dtmf: { callId: "c1", digit: "5" },
};

describe("cusax tail", () => {
  it("words every event type of docs/api.md, none as raw JSON", () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...EVENT_TYPES].sort());
    for (const [type, data] of Object.entries(SAMPLES)) {
      const line = describeEvent(type, data as Record<string, unknown>);
      expect(line, type).not.toMatch(/[{}]/);
    }
    expect(describeEvent("callRecord", SAMPLES.callRecord as Record<string, unknown>)).toBe("call record from sip:bob@example.test: answered 13 s [chat 7]");
    expect(describeEvent("chatState", SAMPLES.chatState as Record<string, unknown>)).toBe("bob@example.test/phone is typing [chat 7]");
    expect(describeEvent("call", SAMPLES.call as Record<string, unknown>)).toBe("call sip:bob@example.test established (on hold) (c1)");
    // A type from a newer daemon is shown, not dropped.
    expect(describeEvent("future", { type: "future", x: 1 })).toBe('future {"type":"future","x":1}');
  });

  it("reconnects when the stream ends, with Last-Event-ID and the daemon's new token", async () => {
    const asked: { auth?: string; lastId?: string }[] = [];
    const streams = [
      () => ended([frame(1, "registration", { state: "registered" }), frame(2, "dtmf", { callId: "c1", digit: "1" })]),
      () => {
        throw new TypeError("fetch failed"); // the daemon is restarting
      },
      () => ended([": hb\n\n", frame(3, "dtmf", { callId: "c1", digit: "2" })]),
    ];
    const fetchFn: FetchLike = async (_url, init) => {
      asked.push({ auth: init.headers.authorization, lastId: init.headers["last-event-id"] });
      if (asked.length === 2) writeFileSync(join(dir, "api-token"), "tok-2\n");
      return streams[asked.length - 1]!();
    };
    const o = io(fetchFn);
    const code = await main(["tail", "--count", "3"], o);
    expect(code, o.stderr).toBe(0);
    expect(o.stdout.trim().split("\n")).toEqual(["SIP registration: registered", "digit 1 from the peer (call c1)", "digit 2 from the peer (call c1)"]);
    expect(asked).toEqual([{ auth: "Bearer tok-1" }, { auth: "Bearer tok-1", lastId: "2" }, { auth: "Bearer tok-2", lastId: "2" }]);
    expect(o.stderr).toMatch(/event stream ended .*reconnecting/);
    expect(o.stderr).toMatch(/not running.*retrying in/);
    expect(readFileSync(join(dir, "api-token"), "utf8")).toBe("tok-2\n");
  });

  it("refuses an unknown --type with the known ones (exit 2)", async () => {
    const o = io(async () => ended([]));
    expect(await main(["tail", "--type", "mesage"], o)).toBe(2);
    expect(o.stderr).toMatch(/no event type "mesage" \(known: message, /);
  });
});
