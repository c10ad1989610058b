// XEP-0115 §6.2: the caps cache of the XMPP client, persisted in the store so
// that each `ver` is queried once, ever, not once per run.
import type { CapsEntry, Store } from "../store/types.js";
import type { CapsCache, DiscoInfo } from "../xmpp/index.js";

export function storeCapsCache(store: Store): CapsCache {
  return {
    async get(hash, ver) {
      const e = store.getCaps(hash.toLowerCase(), ver);
      if (!e) return undefined;
      const info: DiscoInfo = { identities: e.identities, features: e.features, forms: e.forms ?? [] };
      if (e.node) info.node = e.node;
      return info;
    },
    async put(hash, ver, info) {
      const entry: CapsEntry = {
        hash: hash.toLowerCase(),
        ver,
        node: info.node ?? "",
        features: info.features,
        identities: info.identities,
        forms: info.forms,
      };
      store.putCaps(entry);
    },
  };
}
