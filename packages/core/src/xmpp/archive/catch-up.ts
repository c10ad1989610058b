// XEP-0313 §4-5 with XEP-0059 §2.2 paging: fetch everything after an archive id.
// Results arrive as messages before the iq result; inbound.ts routes them while
// their query id is registered here.
import { randomBytes } from "node:crypto";
import type { Element } from "../xml.js";
import { parseMamFin, serializeMamQuery } from "./mam.js";

export type CatchUpOptions = { afterId?: string; start?: Date; with?: string; pageSize?: number; maxPages?: number };
export type CatchUpResult = { pages: number; lastId?: string; complete: boolean };

export async function catchUpArchive(
  iq: (el: Element, signal?: AbortSignal) => Promise<Element>,
  queries: Set<string>,
  o: CatchUpOptions,
  signal?: AbortSignal,
): Promise<CatchUpResult> {
  let after = o.afterId;
  let pages = 0;
  for (;;) {
    const queryId = randomBytes(8).toString("hex");
    queries.add(queryId);
    let fin;
    try {
      const q = serializeMamQuery({
        queryId,
        ...(after ? { afterId: after } : o.start ? { start: o.start } : {}),
        ...(o.with ? { with: o.with } : {}),
        max: o.pageSize ?? 50,
      });
      fin = parseMamFin(await iq(q, signal));
    } finally {
      queries.delete(queryId);
    }
    pages++;
    const last = fin?.last;
    if (!fin || fin.complete || !last || last === after || pages >= (o.maxPages ?? 100)) {
      const lastId = last ?? after;
      return lastId ? { pages, lastId, complete: fin?.complete ?? true } : { pages, complete: fin?.complete ?? true };
    }
    after = last;
  }
}
