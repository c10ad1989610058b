// GET /history paging: the opaque `before`/`next` cursor is the store's
// timeline position (time, kind, id) of the oldest item of a page, as
// base64url("at:kind:id"). Anything else given as a cursor is a 400.
import type { TimelineItem } from "@cusax/core";
import { ApiError } from "../api/errors.js";

export type TimelinePosition = { at: number; kind: "call" | "message"; id: number };

export function encodeCursor(item: TimelineItem): string {
  const id = item.kind === "call" ? item.call.id : item.message.id;
  return Buffer.from(`${item.at}:${item.kind}:${id}`).toString("base64url");
}

export function decodeCursor(cursor: string): TimelinePosition {
  const m = /^(\d{1,16}):(call|message):(\d{1,16})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new ApiError("bad-request", "before: not a cursor from an earlier answer's `next`");
  return { at: Number(m[1]), kind: m[2] as "call" | "message", id: Number(m[3]) };
}
