// protocol.md §3 (REQ-5, UC-c), our side: what our XMPP presence says about
// our SIP side. Reach (GRUU, AoR, tel) by the privacy setting; caps features
// for the media our SIP side can do right now (withdrawn while unregistered);
// "On the phone" while a call is up (dnd + status, XEP-0108 over PEP), and
// the user's own show/status restored after the last call.
import type { Logger } from "../util/log.js";
import type { SipCall, SipUserAgent } from "../sip/index.js";
import { ON_THE_PHONE, ON_VIDEO_PHONE, type ReachAddr, type Show, type XmppClient } from "../xmpp/index.js";
import { NS_CUSAX, NS_CUSAX_AUDIO, NS_CUSAX_VIDEO } from "./sip-state.js";

export type ReachPrivacy = "broadcast" | "directed" | "off";

export type PresenceBridgeOptions = {
  aor: string;
  tel?: string;
  reach?: ReachPrivacy;
  /** Media types our SIP side offers when registered (video only with a video source). */
  media?: readonly ("audio" | "video")[];
  /** Whether an up call carries video ("On a video call"); default: never. */
  hasVideo?: (callId: string) => boolean;
  log: Logger;
};

export type OwnStatus = { show?: Show; status?: string };

export class PresenceBridge {
  private own: OwnStatus = {};
  private readonly upCalls = new Set<SipCall>();
  private registered = false;
  private shownActivity: "none" | "phone" | "video" = "none";
  /** Serialises presence updates so they reach the server in order. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly xmpp: XmppClient,
    private readonly sip: SipUserAgent,
    private readonly o: PresenceBridgeOptions,
  ) {
    sip.events.on("registration", ({ to }) => {
      const now = to === "registered";
      if (now !== this.registered) {
        this.registered = now;
        this.update();
      }
    });
    // A refresh can bring a new GRUU; the reach follows it.
    sip.events.on("registered", () => this.update());
  }

  /** The user's own show/status; shown except while a call is up. */
  setOwn(own: OwnStatus): void {
    this.own = own;
    this.update();
  }

  /** Watches a call: up between "established" and "ended". */
  track(call: SipCall): void {
    call.events.on("state", ({ to }) => {
      if (to === "established" && !this.upCalls.has(call)) {
        this.upCalls.add(call);
        this.update();
      } else if (to === "ended" && this.upCalls.delete(call)) {
        this.update();
      }
    });
  }

  get onThePhone(): boolean {
    return this.upCalls.size > 0;
  }

  /** Our reach addresses, in the order to try (§3): GRUU, AoR, tel. */
  reach(): ReachAddr[] {
    if ((this.o.reach ?? "broadcast") === "off") return [];
    const uris = [this.registered ? this.sip.gruu : undefined, this.o.aor, this.o.tel].filter((u): u is string => !!u);
    return uris.map((uri) => ({ uri }));
  }

  features(): string[] {
    const media = this.registered ? (this.o.media ?? ["audio"]) : [];
    return [NS_CUSAX, ...media.map((m) => (m === "video" ? NS_CUSAX_VIDEO : NS_CUSAX_AUDIO))];
  }

  /** Recomputes and sends what changed (features first, so the new presence carries the new ver). */
  update(): void {
    this.chain = this.chain.then(() => this.apply()).catch((err: unknown) => this.o.log.warn("presence update failed", { error: String(err) }));
  }

  /** Resolves when every update asked for so far has been sent. */
  settled(): Promise<void> {
    return this.chain;
  }

  /** "video" when any up call carries video, "phone" for audio only, "none" without calls. */
  private activity(): "none" | "phone" | "video" {
    if (this.upCalls.size === 0) return "none";
    return [...this.upCalls].some((c) => this.o.hasVideo?.(c.id)) ? "video" : "phone";
  }

  private async apply(): Promise<void> {
    await this.xmpp.setFeatures(this.features());
    const now = this.activity();
    const broadcastReach = (this.o.reach ?? "broadcast") === "broadcast" ? this.reach() : [];
    const shown = now === "none" ? this.own : { show: "dnd" as const, status: now === "video" ? "On a video call" : "On the phone" };
    await this.xmpp.setPresence({ ...shown, reach: broadcastReach });
    if (now !== this.shownActivity) {
      this.shownActivity = now;
      // XEP-0108 over PEP; a server without PEP answers an error, which is only logged.
      const publish = now === "none" ? this.xmpp.retractActivity() : this.xmpp.publishActivity(now === "video" ? ON_VIDEO_PHONE : ON_THE_PHONE);
      await publish.catch((err: unknown) => this.o.log.info("activity not published (no PEP?)", { error: String(err) }));
    }
  }
}
