import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseXml } from "../xml.js";
import { capsVerString, computeCapsVer, verifyCapsVer } from "./caps-ver.js";
import { parseDiscoInfo, serializeDiscoInfo, type DiscoInfo } from "./disco-info.js";
import { parseCaps, serializeCaps } from "./caps-element.js";
import { MemoryCapsCache } from "./caps-cache.js";

const fixture = (name: string) => parseXml(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));

describe("XEP-0115 ver", () => {
  it("§5.2 simple example", () => {
    const info = parseDiscoInfo(fixture("disco-simple.xml"));
    expect(capsVerString(info)).toBe(
      "client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<" +
        "http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<",
    );
    expect(computeCapsVer(info)).toBe("QgayPKawpkPSDYmwT/WM94uAlu0=");
    expect(verifyCapsVer(info, "QgayPKawpkPSDYmwT/WM94uAlu0=")).toEqual({ ok: true });
  });

  it("§5.3 complex example with a data form", () => {
    const info = parseDiscoInfo(fixture("disco-complex.xml"));
    expect(info.identities).toHaveLength(2);
    expect(computeCapsVer(info)).toBe("q07IKJEyjvHSyhy//CH0CxmKi8w=");
    expect(verifyCapsVer(info, "q07IKJEyjvHSyhy//CH0CxmKi8w=")).toEqual({ ok: true });
  });

  it("is independent of the order on the wire", () => {
    const info = parseDiscoInfo(fixture("disco-complex.xml"));
    const shuffled: DiscoInfo = { ...info, identities: [...info.identities].reverse(), features: [...info.features].reverse() };
    expect(computeCapsVer(shuffled)).toBe("q07IKJEyjvHSyhy//CH0CxmKi8w=");
  });

  it("§5.4 rejects duplicates, a wrong ver and unknown hashes", () => {
    const info = parseDiscoInfo(fixture("disco-simple.xml"));
    expect(verifyCapsVer({ ...info, features: [...info.features, info.features[0]!] }, "x")).toMatchObject({ ok: false, reason: "duplicate feature" });
    expect(verifyCapsVer({ ...info, identities: [...info.identities, info.identities[0]!] }, "x")).toMatchObject({ ok: false, reason: "duplicate identity" });
    expect(verifyCapsVer(info, "AAAA")).toMatchObject({ ok: false });
    expect(verifyCapsVer(info, "QgayPKawpkPSDYmwT/WM94uAlu0=", "md5")).toMatchObject({ ok: false });
  });

  it("§5.4 ignores a form whose FORM_TYPE is not hidden", () => {
    const info = parseDiscoInfo(fixture("disco-complex.xml"));
    const form = info.forms[0]!;
    const notHidden = { ...form, fields: form.fields.map((f) => (f.var === "FORM_TYPE" ? { var: f.var, values: f.values } : f)) };
    const ver = computeCapsVer({ ...info, forms: [] });
    expect(verifyCapsVer({ ...info, forms: [notHidden] }, ver)).toEqual({ ok: true });
  });

  it("supports sha-256", () => {
    const info = parseDiscoInfo(fixture("disco-simple.xml"));
    const ver = computeCapsVer(info, "sha-256");
    expect(verifyCapsVer(info, ver, "sha-256")).toEqual({ ok: true });
  });
});

describe("XEP-0030 disco#info", () => {
  it("serializes what it parses", () => {
    const info = parseDiscoInfo(fixture("disco-complex.xml"));
    const again = parseDiscoInfo(parseXml(serializeDiscoInfo(info).toString()));
    expect(again).toEqual(info);
    expect(computeCapsVer(again)).toBe("q07IKJEyjvHSyhy//CH0CxmKi8w=");
  });
  it("returns an empty info for an iq without a query", () => {
    expect(parseDiscoInfo(parseXml("<iq type='result'/>"))).toEqual({ identities: [], features: [], forms: [] });
  });
});

describe("XEP-0115 <c/>", () => {
  it("parses and serializes", () => {
    const caps = parseCaps(fixture("presence-caps.xml"));
    expect(caps).toEqual({ hash: "sha-1", node: "http://code.google.com/p/exodus", ver: "QgayPKawpkPSDYmwT/WM94uAlu0=" });
    expect(serializeCaps(caps!).toString()).toBe(
      `<c xmlns="http://jabber.org/protocol/caps" hash="sha-1" node="http://code.google.com/p/exodus" ver="QgayPKawpkPSDYmwT/WM94uAlu0="/>`,
    );
    expect(parseCaps(parseXml("<presence><c xmlns='http://jabber.org/protocol/caps' node='n' ver='v'/></presence>"))).toBeUndefined();
  });
  it("memory cache keeps entries by hash and ver", async () => {
    const cache = new MemoryCapsCache();
    const info = parseDiscoInfo(fixture("disco-simple.xml"));
    await cache.put("SHA-1", "v", info);
    expect(await cache.get("sha-1", "v")).toBe(info);
    expect(await cache.get("sha-1", "w")).toBeUndefined();
  });
});
