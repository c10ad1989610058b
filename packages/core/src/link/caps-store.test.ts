import { describe, expect, it } from "vitest";
import { MemoryStore } from "../store/memory-store.js";
import type { DiscoInfo } from "../xmpp/index.js";
import { storeCapsCache } from "./caps-store.js";

describe("caps cache in the store", () => {
  it("keeps verified disco#info by hash and ver", async () => {
    const store = new MemoryStore();
    const cache = storeCapsCache(store);
    const info: DiscoInfo = {
      node: "https://cusax.example/caps",
      identities: [{ category: "client", type: "pc", name: "cusax" }],
      features: ["urn:xmpp:reach:0", "urn:xmpp:cusax:0"],
      forms: [{ type: "result", fields: [{ var: "FORM_TYPE", type: "hidden", values: ["urn:xmpp:dataforms:softwareinfo"] }] }],
    };
    expect(await cache.get("sha-1", "abc=")).toBeUndefined();
    await cache.put("SHA-1", "abc=", info);
    expect(await cache.get("sha-1", "abc=")).toEqual(info);
    // A second cache over the same store sees it: that is the persistence.
    expect(await storeCapsCache(store).get("sha-1", "abc=")).toEqual(info);
  });
});
