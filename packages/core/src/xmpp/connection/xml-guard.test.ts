import { describe, expect, it } from "vitest";
import { xml, type Element } from "../xml.js";
import { guardedParser, StreamGuard, XmlGuardError } from "./xml-guard.js";

function feed(chunks: string[], max?: number) {
  const Parser = guardedParser(xml.Parser, max);
  const p = new Parser();
  const elements: Element[] = [];
  const errors: Error[] = [];
  p.on("element", (e) => elements.push(e));
  p.on("error", (e) => errors.push(e));
  for (const c of chunks) p.write(c);
  return { elements, errors };
}

const HEAD = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

describe("XML guard", () => {
  it("passes ordinary stanzas and CDATA", () => {
    const r = feed([HEAD, "<message><body>a</body></message>", "<message><body><![CDATA[<b>]]></body></message>"]);
    expect(r.errors).toEqual([]);
    expect(r.elements).toHaveLength(2);
    expect(r.elements[1]?.getChildText("body")).toBe("<b>");
  });
  it("refuses a DTD or entity declaration, even split across chunks", () => {
    const r = feed([HEAD, "<!DOC", "TYPE foo [<!ENTITY x 'y'>]><message/>"]);
    expect(r.errors).toHaveLength(1);
    expect((r.errors[0] as XmlGuardError).violation.condition).toBe("restricted-xml");
    expect(r.elements).toHaveLength(0);
  });
  it("refuses comments and processing instructions", () => {
    expect(feed([HEAD, "<!-- hi --><message/>"]).errors).toHaveLength(1);
    expect(feed([HEAD, "<?php x ?>"]).errors).toHaveLength(1);
  });
  it("turns an undeclared entity into an error instead of a throw", () => {
    const r = feed([HEAD, "<message><body>&xxe;</body></message>", "<message/>"]);
    expect(r.errors).toHaveLength(1);
    expect((r.errors[0] as XmlGuardError).violation.condition).toBe("not-well-formed");
    expect(r.elements).toHaveLength(0);
  });
  it("stops a stanza over the size limit, however it is chunked", () => {
    const big = "<message><body>" + "x".repeat(300 * 1024) + "</body></message>";
    const r = feed([HEAD, big]);
    expect(r.errors).toHaveLength(1);
    expect((r.errors[0] as XmlGuardError).violation.condition).toBe("policy-violation");
    const ok = feed([HEAD, ...Array.from({ length: 100 }, () => "<message><body>" + "y".repeat(10_000) + "</body></message>")]);
    expect(ok.errors).toEqual([]);
    expect(ok.elements).toHaveLength(100);
  });
  it("garbage bytes make an error or nothing, never a throw", () => {
    const garbage = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256)).toString("latin1");
    expect(() => feed([HEAD, garbage, "</a></b><c>"])).not.toThrow();
  });
  it("StreamGuard waits for enough text before deciding", () => {
    const g = new StreamGuard();
    expect(g.scan("<a><![CD")).toBeUndefined();
    expect(g.scan("ATA[x]]></a>")).toBeUndefined();
  });
});
