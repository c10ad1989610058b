// XEP-0313 catch-up paging (XEP-0059 RSM) and the D26 bounds, against a scripted archive.
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../util/log.js";
import { StanzaError } from "../../util/errors.js";
import { parseXml, type Element } from "../xml.js";
import { catchUpGap } from "./catch-up.js";

/** An archive of ids a0..a(n-1) answering RSM pages; remembers each query's after/start. */
function archive(n: number, known = true) {
  const ids = Array.from({ length: n }, (_, i) => `a${i}`);
  const asked: { after?: string; start?: string; max: number }[] = [];
  const iq = async (q: Element): Promise<Element> => {
    const query = q.getChild("query", "urn:xmpp:mam:2")!;
    const set = query.getChild("set", "http://jabber.org/protocol/rsm")!;
    const after = set.getChildText("after") ?? undefined;
    const start = query.getChild("x", "jabber:x:data")!.getChildren("field").find((f) => f.attrs.var === "start")?.getChildText("value") ?? undefined;
    const max = Number(set.getChildText("max"));
    asked.push({ ...(after ? { after } : {}), ...(start ? { start } : {}), max });
    if (after && !ids.includes(after) && !known) throw new StanzaError("item-not-found", "cancel");
    const from = after ? ids.indexOf(after) + 1 : 0;
    const page = ids.slice(from, from + max);
    const complete = from + max >= ids.length;
    const rsm = page.length ? `<first>${page[0]}</first><last>${page.at(-1)}</last>` : "";
    return parseXml(`<iq type='result'><fin xmlns='urn:xmpp:mam:2' complete='${complete}'><set xmlns='http://jabber.org/protocol/rsm'>${rsm}</set></fin></iq>`);
  };
  return { iq, asked };
}

describe("archive catch-up (D26)", () => {
  it("pages through the whole gap after the checkpoint, moving the checkpoint page by page", async () => {
    const a = archive(12);
    const checkpoints: string[] = [];
    const r = await catchUpGap({ iq: a.iq, queries: new Set(), log: silentLogger, afterId: "a1", bounds: { pageSize: 5 }, checkpoint: (id) => checkpoints.push(id) });
    expect(r).toMatchObject({ complete: true, capped: false, lastId: "a11", pages: 2 });
    expect(checkpoints).toEqual(["a6", "a11"]);
    expect(a.asked.map((q) => q.after)).toEqual(["a1", "a6"]);
    // every query is bounded to the last 30 days
    const age = Date.now() - Date.parse(a.asked[0]!.start!);
    expect(age).toBeGreaterThan(30 * 86_400_000 - 60_000);
    expect(age).toBeLessThan(30 * 86_400_000 + 60_000);
  });

  it("stops at the page cap and says so; the checkpoint is where it stopped", async () => {
    const a = archive(100);
    const checkpoints: string[] = [];
    const r = await catchUpGap({ iq: a.iq, queries: new Set(), log: silentLogger, afterId: undefined, bounds: { pageSize: 10, maxPages: 3 }, checkpoint: (id) => checkpoints.push(id) });
    expect(r).toMatchObject({ complete: false, capped: true, pages: 3, lastId: "a29" });
    expect(checkpoints.at(-1)).toBe("a29");
  });

  it("falls back to the time bound when the server no longer knows the checkpoint", async () => {
    const a = archive(3, false);
    const r = await catchUpGap({ iq: a.iq, queries: new Set(), log: silentLogger, afterId: "expired", bounds: {}, checkpoint: () => undefined });
    expect(r).toMatchObject({ complete: true, lastId: "a2" });
    expect(a.asked.map((q) => q.after)).toEqual(["expired", undefined]);
  });

  it("an archive with nothing new leaves the checkpoint alone", async () => {
    const a = archive(3);
    const checkpoints: string[] = [];
    const r = await catchUpGap({ iq: a.iq, queries: new Set(), log: silentLogger, afterId: "a2", bounds: {}, checkpoint: (id) => checkpoints.push(id) });
    expect(r).toMatchObject({ complete: true, capped: false, lastId: "a2" });
    expect(checkpoints).toEqual([]);
  });
});
