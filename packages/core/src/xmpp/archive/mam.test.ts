import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseXml } from "../xml.js";
import { parseMamFin, parseMamResult, serializeMamQuery } from "./mam.js";
import { parseMessage } from "../chat/message.js";

const text = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("XEP-0313 MAM", () => {
  it("builds a query after an archive id, paged", () => {
    expect(serializeMamQuery({ queryId: "q1", afterId: "a-9", max: 20 }).toString()).toBe(
      `<iq type="set"><query xmlns="urn:xmpp:mam:2" queryid="q1"><x xmlns="jabber:x:data" type="submit">` +
        `<field var="FORM_TYPE" type="hidden"><value>urn:xmpp:mam:2</value></field></x>` +
        `<set xmlns="http://jabber.org/protocol/rsm"><max>20</max><after>a-9</after></set></query></iq>`,
    );
  });
  it("builds a query since a time", () => {
    const q = serializeMamQuery({ queryId: "q2", start: new Date("2026-11-25T10:00:00Z") });
    expect(q.toString()).toContain(`<field var="start" type="text-single"><value>2026-11-25T10:00:00.000Z</value></field>`);
  });
  it("unwraps a result with its delay", () => {
    const r = parseMamResult(parseXml(text("mam-result.xml")), "juliet@capulet.lit/chamber", "f27")!;
    expect(r).toMatchObject({ queryId: "f27", archiveId: "28482-98726-73623", stamp: "2010-07-10T23:08:25Z" });
    expect(parseMessage(r.message)).toMatchObject({ body: "Hail to thee", from: "witch@shakespeare.lit" });
  });
  it("ignores results for another query or from someone else", () => {
    expect(parseMamResult(parseXml(text("mam-result.xml")), "juliet@capulet.lit/chamber", "other")).toBeUndefined();
    const forged = text("mam-result.xml").replace("from='juliet@capulet.lit'", "from='mallory@evil.lit'");
    expect(parseMamResult(parseXml(forged), "juliet@capulet.lit/chamber")).toBeUndefined();
  });
  it("reads fin with RSM", () => {
    expect(parseMamFin(parseXml(text("mam-fin.xml")))).toEqual({ complete: false, first: "28482-98726-73623", last: "09af3-cc343-b409f", count: 20 });
  });
});
