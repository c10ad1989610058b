// XEP-0115 §6.2: cache of verified disco#info by (hash, ver); persisted by the store.
import type { DiscoInfo } from "./disco-info.js";

export interface CapsCache {
  get(hash: string, ver: string): Promise<DiscoInfo | undefined>;
  /** Only for disco#info already checked with verifyCapsVer (§5.4 step 3.8). */
  put(hash: string, ver: string, info: DiscoInfo): Promise<void>;
}

export class MemoryCapsCache implements CapsCache {
  private readonly entries = new Map<string, DiscoInfo>();
  async get(hash: string, ver: string): Promise<DiscoInfo | undefined> {
    return this.entries.get(`${hash.toLowerCase()} ${ver}`);
  }
  async put(hash: string, ver: string, info: DiscoInfo): Promise<void> {
    this.entries.set(`${hash.toLowerCase()} ${ver}`, info);
  }
  get size(): number {
    return this.entries.size;
  }
}
