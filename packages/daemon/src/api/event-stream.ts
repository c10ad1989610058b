// GET /events (WHATWG HTML §9.2 server-sent events): every event gets an
// `id:`, a `:hb` comment goes out every heartbeat interval (default 15 s) so
// idle connections stay open and dead ones are noticed, and a reconnecting
// client's `Last-Event-ID` replays what it missed from a bounded buffer.
// Issue 13: the events of one event-loop turn go out in one write per stream
// (a flood of messages is not a flood of writes), and a stream that stops
// reading is ended once it holds too much (it reconnects with Last-Event-ID).
import type { ServerResponse } from "node:http";
import { setImmediate } from "node:timers";

export type ApiEvent = { type: string; [k: string]: unknown };

export const HEARTBEAT_MS = 15_000;
export const REPLAY_EVENTS = 500;
/** The replay buffer also stays under this many bytes (messages can be large). */
export const REPLAY_BYTES = 4 * 1024 * 1024;
/** A stream with more than this unsent is ended: its reader is gone or too slow. */
export const STREAM_BACKLOG_BYTES = 8 * 1024 * 1024;

type Framed = { id: number; frame: string };

export type EventStreamOptions = { heartbeatMs?: number; replay?: number; replayBytes?: number };

export class EventStreams {
  private readonly streams = new Set<ServerResponse>();
  private readonly buffer: Framed[] = [];
  private nextId = 1;
  private readonly timer: NodeJS.Timeout;
  private readonly replay: number;
  private readonly replayBytes: number;
  private bufferedBytes = 0;
  private pending = "";
  private flushScheduled = false;

  constructor(options: EventStreamOptions = {}) {
    this.replay = options.replay ?? REPLAY_EVENTS;
    this.replayBytes = options.replayBytes ?? REPLAY_BYTES;
    this.timer = setInterval(() => this.writeAll(":hb\n\n"), options.heartbeatMs ?? HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Starts a stream on `res` (headers already chosen by the caller), replaying after `lastEventId`. */
  open(res: ServerResponse, headers: Record<string, string>, lastEventId: string | undefined): void {
    res.writeHead(200, { ...headers, "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    res.write(": cusax event stream\n\n");
    // What is still unsent goes to the open streams first: the new one gets it from the replay.
    this.flush();
    const missed = this.missed(lastEventId);
    if (missed.length > 0) res.write(missed.map((f) => f.frame).join(""));
    this.streams.add(res);
    res.on("close", () => this.streams.delete(res));
  }

  publish(event: ApiEvent): void {
    const id = this.nextId++;
    const f = { id, frame: `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n` };
    this.buffer.push(f);
    this.bufferedBytes += f.frame.length;
    while (this.buffer.length > this.replay || (this.bufferedBytes > this.replayBytes && this.buffer.length > 1)) this.bufferedBytes -= this.buffer.shift()!.frame.length;
    this.pending += f.frame;
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes the events published so far (one write per stream); runs by itself once per turn. */
  flush(): void {
    this.flushScheduled = false;
    if (this.pending === "") return;
    const text = this.pending;
    this.pending = "";
    this.writeAll(text);
  }

  /** The buffered events after `lastEventId` (none for a missing, malformed or future id). */
  missed(lastEventId: string | undefined): Framed[] {
    if (lastEventId === undefined || !/^\d+$/.test(lastEventId.trim())) return [];
    const after = Number(lastEventId.trim());
    if (after >= this.nextId) return [];
    return this.buffer.filter((f) => f.id > after);
  }

  get connected(): number {
    return this.streams.size;
  }

  close(): void {
    this.flush();
    clearInterval(this.timer);
    for (const s of this.streams) s.end();
    this.streams.clear();
  }

  private writeAll(text: string): void {
    for (const s of this.streams) {
      if (s.writableLength > STREAM_BACKLOG_BYTES) {
        this.streams.delete(s);
        s.destroy();
        continue;
      }
      s.write(text);
    }
  }
}
