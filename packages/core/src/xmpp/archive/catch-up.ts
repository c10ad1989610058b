// XEP-0313 §4-5 with XEP-0059 §2.2 paging: fetch everything after an archive id
// (and, DECISION(protocol.md D26), no older than `start`), page by page.
// Results arrive as messages before the iq result; inbound.ts routes them
// while their query id is registered here.
import { randomBytes } from "node:crypto";
import type { Element } from "../xml.js";
import type { Logger } from "../../util/log.js";
import { parseMamFin, serializeMamQuery } from "./mam.js";

export type CatchUpOptions = {
  afterId?: string;
  start?: Date;
  with?: string;
  pageSize?: number;
  maxPages?: number;
  /** After each page: every result up to `last` has been handed out. */
  onPage?: (last: string) => void;
};
/** `capped`: stopped at maxPages with more in the archive. */
export type CatchUpResult = { pages: number; lastId?: string; complete: boolean; capped: boolean };

export async function catchUpArchive(
  iq: (el: Element, signal?: AbortSignal) => Promise<Element>,
  queries: Set<string>,
  o: CatchUpOptions,
  signal?: AbortSignal,
): Promise<CatchUpResult> {
  let after = o.afterId;
  let pages = 0;
  const maxPages = o.maxPages ?? 100;
  for (;;) {
    const queryId = randomBytes(8).toString("hex");
    queries.add(queryId);
    let fin;
    try {
      const q = serializeMamQuery({
        queryId,
        ...(after ? { afterId: after } : {}),
        ...(o.start ? { start: o.start } : {}),
        ...(o.with ? { with: o.with } : {}),
        max: o.pageSize ?? 50,
      });
      fin = parseMamFin(await iq(q, signal));
    } finally {
      queries.delete(queryId);
    }
    pages++;
    const last = fin?.last;
    if (last && last !== after) o.onPage?.(last);
    const complete = fin?.complete ?? true;
    if (!fin || complete || !last || last === after || pages >= maxPages) {
      const lastId = last ?? after;
      const capped = !complete && pages >= maxPages && !!last && last !== after;
      return lastId ? { pages, lastId, complete, capped } : { pages, complete, capped };
    }
    after = last;
  }
}

export type GapDeps = {
  iq: (el: Element, signal?: AbortSignal) => Promise<Element>;
  queries: Set<string>;
  log: Logger;
  /** The checkpoint to resume from, if any. */
  afterId: string | undefined;
  bounds: { maxAgeMs?: number; maxPages?: number; pageSize?: number };
  /** Every result up to this id has been handed out. */
  checkpoint: (id: string) => void;
};

/**
 * DECISION(protocol.md D26): everything after the checkpoint, no older than
 * 30 days and at most 100 pages of 50 (5,000 messages), oldest first; when
 * capped, the next session goes on from where this one stopped.
 */
export async function catchUpGap(d: GapDeps): Promise<CatchUpResult> {
  const start = new Date(Date.now() - (d.bounds.maxAgeMs ?? 30 * 86_400_000));
  const o: CatchUpOptions = { start, onPage: d.checkpoint, maxPages: d.bounds.maxPages ?? 100, pageSize: d.bounds.pageSize ?? 50 };
  let r: CatchUpResult;
  try {
    r = await catchUpArchive(d.iq, d.queries, { ...o, ...(d.afterId ? { afterId: d.afterId } : {}) });
  } catch (e) {
    // The archive no longer knows our checkpoint (expired): everything in the time bound.
    if (!d.afterId || (e as { condition?: string }).condition !== "item-not-found") throw e;
    d.log.warn("archive checkpoint unknown to the server: catching up by time", {});
    r = await catchUpArchive(d.iq, d.queries, o);
  }
  if (r.capped) d.log.warn("archive catch-up capped (protocol.md D26): the rest follows on the next session", { pages: r.pages });
  else d.log.info("archive catch-up done", { pages: r.pages });
  return r;
}
