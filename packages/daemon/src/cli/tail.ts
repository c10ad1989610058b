// `cusax tail [--type TYPE]... [--count N]`: follows the daemon's event
// stream (GET /events); one line per event, JSON lines with --json.
import { apiCommand, CommandFailure } from "./kit.js";
import { parseSseChunk } from "./sse.js";

function describe(type: string, e: Record<string, unknown>): string {
  const m = e.message as { direction?: string; from?: string; to?: string; body?: string } | undefined;
  const c = e.call as { id?: string; remote?: string; state?: string } | undefined;
  if (type === "message" && m) return `message ${m.direction === "in" ? `from ${m.from}` : `to ${m.to}`}: ${m.body}`;
  if ((type === "call" || type === "incomingCall") && c) return `${type} ${c.remote} ${c.state} (${c.id})`;
  return `${type} ${JSON.stringify(e)}`;
}

export const tailCommand = apiCommand({
  name: "tail",
  summary: "follow the daemon's events (messages, calls, SIP state, ...)",
  usage: ["tail [--type TYPE] [--count N] [--json]", "", "--type keeps one event type (message, call, callRecord, incomingCall, sipState, ...); --count stops after N events."],
  options: { type: { type: "string" }, count: { type: "string" } },
  arity: { min: 0, max: 0 },
  async run({ api, parsed, io }) {
    const count = parsed.flags.count === undefined ? Infinity : Number(parsed.flags.count);
    if (!(count > 0)) throw new CommandFailure("--count: expected a positive number", 2);
    const only = parsed.flags.type as string | undefined;
    const json = parsed.flags.json === true;
    const res = await api.stream("/events");
    io.err(`cusax tail: following ${api.url}/events\n`);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let seen = 0;
    while (seen < count) {
      const { value, done } = await reader.read();
      if (done) throw new CommandFailure("the daemon closed the event stream");
      const { frames, rest } = parseSseChunk(buffer + decoder.decode(value, { stream: true }));
      buffer = rest;
      for (const f of frames) {
        if (only && f.event !== only) continue;
        io.out(json ? f.data + "\n" : describe(f.event, JSON.parse(f.data) as Record<string, unknown>) + "\n");
        if (++seen >= count) break;
      }
    }
    await reader.cancel().catch(() => undefined);
    return { json: null, text: "", printed: true };
  },
});
