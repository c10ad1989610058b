// XEP-0115 §4-6 and XEP-0030 §3: what we advertise. Features change at run time
// (protocol.md §3: media features come and go with SIP registration), and so does `ver`.
import { computeCapsVer } from "./caps/caps-ver.js";
import { NS_DISCO_INFO, type DiscoIdentity, type DiscoInfo } from "./caps/disco-info.js";
import { NS_CAPS, type Caps } from "./caps/caps-element.js";
import { NS_REACH } from "./reach/reach.js";
import { NS_ACTIVITY } from "./activity/activity.js";
import { NS_CHATSTATES, NS_RECEIPTS } from "./chat/message.js";
import { notifyFeature } from "./pep/pep.js";
import { NS_MARKERS } from "./markers/markers.js";

export const DEFAULT_CAPS_NODE = "urn:cusax:caps";
export const DEFAULT_IDENTITY: DiscoIdentity = { category: "client", type: "pc", name: "cusax" };

/** Features every cusax XMPP client has, whatever the link layer adds. */
export const BASE_FEATURES: readonly string[] = [
  NS_DISCO_INFO,
  NS_CAPS,
  "urn:xmpp:ping",
  NS_RECEIPTS,
  NS_CHATSTATES,
  NS_MARKERS,
  "urn:xmpp:sid:0",
  NS_REACH,
  notifyFeature(NS_REACH),
  NS_ACTIVITY,
  notifyFeature(NS_ACTIVITY),
  notifyFeature("urn:xmpp:vcard4"),
];

export class OwnCaps {
  private extra: string[];
  private cached: { info: DiscoInfo; ver: string } | undefined;

  constructor(
    readonly node = DEFAULT_CAPS_NODE,
    private readonly identity: DiscoIdentity = DEFAULT_IDENTITY,
    extraFeatures: readonly string[] = [],
  ) {
    this.extra = [...extraFeatures];
  }

  /** Replaces the extra features; returns true when `ver` changed. */
  setFeatures(extra: readonly string[]): boolean {
    const before = this.ver();
    this.extra = [...extra];
    this.cached = undefined;
    return this.ver() !== before;
  }

  info(): DiscoInfo {
    return this.compute().info;
  }

  ver(): string {
    return this.compute().ver;
  }

  caps(): Caps {
    return { hash: "sha-1", node: this.node, ver: this.ver() };
  }

  /** XEP-0115 §6.2: a disco#info query may name `node#ver`; anything else is not ours. */
  answers(node: string | undefined): boolean {
    return node === undefined || node === `${this.node}#${this.ver()}`;
  }

  private compute(): { info: DiscoInfo; ver: string } {
    if (!this.cached) {
      const features = [...new Set([...BASE_FEATURES, ...this.extra])];
      const info: DiscoInfo = { identities: [this.identity], features, forms: [] };
      this.cached = { info, ver: computeCapsVer(info) };
    }
    return this.cached;
  }
}
