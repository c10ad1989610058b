// Server-sent events (WHATWG HTML §9.2 "event stream" format), the part the
// daemon writes: `id:`, `event:`, `data:` lines, frames ended by a blank line,
// `:` comments. Incremental: returns the frames complete so far and the rest.
export type SseFrame = { id?: string; event: string; data: string };

export function parseSseChunk(buffer: string): { frames: SseFrame[]; rest: string } {
  const frames: SseFrame[] = [];
  const text = buffer.replace(/\r\n?/g, "\n");
  const blocks = text.split("\n\n");
  const rest = blocks.pop() ?? "";
  for (const block of blocks) {
    let event = "message";
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
      else if (field === "id") id = value;
    }
    if (data.length > 0) frames.push({ event, data: data.join("\n"), ...(id !== undefined ? { id } : {}) });
  }
  return { frames, rest };
}
