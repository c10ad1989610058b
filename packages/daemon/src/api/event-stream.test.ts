import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { EventStreams } from "./event-stream.js";

/** Just the part of a ServerResponse the streams use; everything written is kept. */
function fakeResponse(): ServerResponse & { text: string; status?: number } {
  const res = Object.assign(new EventEmitter(), {
    text: "",
    status: undefined as number | undefined,
    writeHead(status: number) {
      res.status = status;
      return res;
    },
    write(chunk: string) {
      res.text += chunk;
      return true;
    },
    end() {
      res.emit("close");
    },
  });
  return res as unknown as ServerResponse & { text: string; status?: number };
}

describe("event streams", () => {
  it("numbers events and replays those after Last-Event-ID from a bounded buffer", () => {
    const streams = new EventStreams({ replay: 3, heartbeatMs: 60_000 });
    for (let i = 1; i <= 5; i++) streams.publish({ type: "tick", n: i });
    expect(streams.missed("3").map((f) => f.id)).toEqual([4, 5]);
    expect(streams.missed("0").map((f) => f.id)).toEqual([3, 4, 5]);
    expect(streams.missed("99")).toEqual([]);
    expect(streams.missed("x")).toEqual([]);
    const res = fakeResponse();
    streams.open(res, {}, "4");
    expect(res.text).toContain('id: 5\nevent: tick\ndata: {"type":"tick","n":5}\n\n');
    expect(res.text).not.toContain("id: 4\n");
    streams.publish({ type: "tick", n: 6 });
    expect(res.text).not.toContain("id: 6\n"); // written with the turn's other events
    streams.flush();
    expect(res.text).toContain("id: 6\n");
    streams.close();
    expect(streams.connected).toBe(0);
  });

  it("writes the events of one turn in one write per stream, in order, and none twice to a stream opened meanwhile", async () => {
    const streams = new EventStreams({ heartbeatMs: 60_000 });
    const a = fakeResponse();
    streams.open(a, {}, undefined);
    const writes: string[] = [];
    const write = a.write.bind(a);
    a.write = ((chunk: string) => (writes.push(chunk), write(chunk))) as typeof a.write;
    for (let i = 1; i <= 100; i++) streams.publish({ type: "tick", n: i });
    const b = fakeResponse();
    streams.open(b, {}, "90");
    streams.publish({ type: "tick", n: 101 });
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(2);
    const ids = (t: string) => [...t.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids(a.text)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
    expect(ids(b.text)).toEqual(Array.from({ length: 11 }, (_, i) => 91 + i));
    streams.close();
  });

  it("ends a stream that stopped reading once its backlog is too large", () => {
    const streams = new EventStreams({ heartbeatMs: 60_000 });
    const res = fakeResponse();
    let destroyed = false;
    Object.assign(res, { writableLength: 9 * 1024 * 1024, destroy: () => (destroyed = true) });
    streams.open(res, {}, undefined);
    streams.publish({ type: "tick" });
    streams.flush();
    expect(destroyed).toBe(true);
    expect(streams.connected).toBe(0);
    streams.close();
  });

  it("keeps the replay buffer under its byte bound", () => {
    const streams = new EventStreams({ replayBytes: 1000, heartbeatMs: 60_000 });
    for (let i = 1; i <= 10; i++) streams.publish({ type: "message", body: "x".repeat(300) });
    // Each frame is about 350 bytes: two fit.
    expect(streams.missed("0").map((f) => f.id)).toEqual([9, 10]);
    streams.close();
  });

  it("sends a :hb comment every heartbeat interval", async () => {
    const streams = new EventStreams({ heartbeatMs: 20 });
    const res = fakeResponse();
    streams.open(res, {}, undefined);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if ((res.text.match(/:hb\n\n/g) ?? []).length >= 2) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    streams.close();
    expect(res.text.startsWith(": cusax event stream\n\n")).toBe(true);
  });
});
