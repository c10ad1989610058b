import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseXml } from "../xml.js";
import { parseDiscoInfo } from "./disco-info.js";
import { MemoryCapsCache } from "./caps-cache.js";
import { CapsResolver } from "./caps-resolver.js";

const simple = parseDiscoInfo(parseXml(readFileSync(new URL("./fixtures/disco-simple.xml", import.meta.url), "utf8")));
const caps = { hash: "sha-1", node: "http://code.google.com/p/exodus", ver: "QgayPKawpkPSDYmwT/WM94uAlu0=" };

describe("caps resolver", () => {
  it("asks once, verifies and caches", async () => {
    const asked: string[] = [];
    const cache = new MemoryCapsCache();
    const r = new CapsResolver(cache, async (jid, node) => (asked.push(`${jid} ${node}`), simple));
    const [a, b] = await Promise.all([r.resolve("x@y/1", caps), r.resolve("x@y/2", caps)]);
    expect(a).toBe(simple);
    expect(b).toBe(simple);
    expect(asked).toEqual([`x@y/1 ${caps.node}#${caps.ver}`]);
    expect(await r.resolve("z@y/3", caps)).toBe(simple);
    expect(cache.size).toBe(1);
  });
  it("does not cache an answer that does not match its ver", async () => {
    const cache = new MemoryCapsCache();
    const r = new CapsResolver(cache, async () => ({ ...simple, features: ["urn:lie"] }));
    expect(await r.resolve("x@y/1", caps)).toBeDefined();
    expect(cache.size).toBe(0);
    expect(await r.resolve("x@y/1", { ...caps, hash: "md5" })).toBeUndefined();
  });
});
