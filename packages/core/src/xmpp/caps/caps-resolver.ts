// XEP-0115 §6.2-6.3: learn what a contact's `ver` means, once per (hash, ver):
// cache hit, else disco#info to `node#ver` at that full JID, verified before caching.
import type { CapsCache } from "./caps-cache.js";
import type { Caps } from "./caps-element.js";
import { verifyCapsVer, isSupportedCapsHash } from "./caps-ver.js";
import type { DiscoInfo } from "./disco-info.js";

export type CapsLookup = (jid: string, node: string) => Promise<DiscoInfo>;

export class CapsResolver {
  private readonly inFlight = new Map<string, Promise<DiscoInfo | undefined>>();
  constructor(
    private readonly cache: CapsCache,
    private readonly lookup: CapsLookup,
  ) {}

  /** The verified disco#info behind `caps`, or undefined when it cannot be verified. */
  async resolve(jid: string, caps: Caps): Promise<DiscoInfo | undefined> {
    if (!isSupportedCapsHash(caps.hash)) return undefined;
    const hit = await this.cache.get(caps.hash, caps.ver);
    if (hit) return hit;
    const key = `${caps.hash} ${caps.ver}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetch(jid, caps).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async fetch(jid: string, caps: Caps): Promise<DiscoInfo | undefined> {
    const info = await this.lookup(jid, `${caps.node}#${caps.ver}`);
    // §5.4 step 3.8: cache only when the hash checks out; otherwise use it for this JID only.
    if (verifyCapsVer(info, caps.ver, caps.hash).ok) await this.cache.put(caps.hash, caps.ver, info);
    return info;
  }
}
