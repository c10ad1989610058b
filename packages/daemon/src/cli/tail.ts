// `cusax tail [--type TYPE]... [--count N]`: follows the daemon's event
// stream (GET /events, WHATWG HTML §9.2); one readable line per event, JSON
// lines with --json. When the stream ends (the daemon restarted, the
// connection dropped) it reconnects with back-off, sending Last-Event-ID so
// that the events it missed while the same daemon ran are replayed.
import { ApiFailure, connectDaemon, dataDirOf, DaemonDown, type DaemonClient } from "./daemon-client.js";
import { describeEvent, EVENT_TYPES } from "./describe-event.js";
import { apiCommand, CommandFailure, type ApiCommandContext } from "./kit.js";
import { parseSseChunk, type SseFrame } from "./sse.js";

/** Waits between reconnection attempts: 0.5 s doubling up to 10 s. */
const RETRY_MS = { first: 500, max: 10_000 };

type Follow = { count: number; only?: string; onFrame: (f: SseFrame) => void };

/** Reads one connection's frames until the stream ends or `count` is reached; returns the last id seen. */
async function readStream(res: Response, state: { seen: number; lastId?: string }, f: Follow): Promise<void> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    while (state.seen < f.count) {
      const { value, done } = await reader.read();
      if (done) return;
      const { frames, rest } = parseSseChunk(buffer + decoder.decode(value, { stream: true }));
      buffer = rest;
      for (const frame of frames) {
        if (frame.id !== undefined) state.lastId = frame.id;
        if (f.only && frame.event !== f.only) continue;
        f.onFrame(frame);
        if (++state.seen >= f.count) break;
      }
    }
  } catch {
    return; // the connection broke mid-stream: the caller reconnects
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

async function follow(ctx: ApiCommandContext, f: Follow): Promise<void> {
  const { io, parsed } = ctx;
  const dataDir = dataDirOf(parsed.flags["data-dir"] as string | undefined, io.env ?? process.env);
  let api: DaemonClient = ctx.api;
  const state: { seen: number; lastId?: string } = { seen: 0 };
  let wait = RETRY_MS.first;
  io.err(`cusax tail: following ${api.url}/events\n`);
  while (state.seen < f.count) {
    try {
      const res = await api.stream("/events", undefined, state.lastId !== undefined ? { "last-event-id": state.lastId } : undefined);
      if (wait > RETRY_MS.first) io.err(`cusax tail: following ${api.url}/events again\n`);
      wait = RETRY_MS.first;
      await readStream(res, state, f);
      if (state.seen >= f.count) return;
      io.err("cusax tail: the event stream ended (daemon stopped or restarted?); reconnecting\n");
    } catch (err) {
      if (!(err instanceof DaemonDown || err instanceof ApiFailure)) throw err;
      io.err(`cusax tail: ${err.message}; retrying in ${(wait / 1000).toFixed(1)} s\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, RETRY_MS.max);
    // A restarted daemon writes a new api-url and token.
    api = await connectDaemon(dataDir, io.fetch).catch(() => api);
  }
}

function readable(frame: SseFrame): string {
  try {
    return describeEvent(frame.event, JSON.parse(frame.data) as Record<string, unknown>);
  } catch {
    return `${frame.event} ${frame.data}`;
  }
}

export const tailCommand = apiCommand({
  name: "tail",
  summary: "follow the daemon's events (messages, calls, SIP state, ...), reconnecting when the daemon restarts",
  usage: ["tail [--type TYPE] [--count N] [--json]", "", `--type keeps one event type (${EVENT_TYPES.join(", ")}); --count stops after N events.`],
  options: { type: { type: "string" }, count: { type: "string" } },
  arity: { min: 0, max: 0 },
  async run(ctx) {
    const { parsed, io } = ctx;
    const count = parsed.flags.count === undefined ? Infinity : Number(parsed.flags.count);
    if (!(count > 0)) throw new CommandFailure("--count: expected a positive number", 2);
    const only = parsed.flags.type as string | undefined;
    const json = parsed.flags.json === true;
    if (only && !EVENT_TYPES.includes(only)) throw new CommandFailure(`--type: no event type "${only}" (known: ${EVENT_TYPES.join(", ")})`, 2);
    const onFrame = (frame: SseFrame) => io.out(json ? frame.data + "\n" : readable(frame) + "\n");
    await follow(ctx, { count, onFrame, ...(only ? { only } : {}) });
    return { json: null, text: "", printed: true };
  },
});
