// What we know about other people during a session: RFC 6121 §4 presence per
// resource and the XEP-0115 capabilities behind each resource's `ver`.
import type { Logger } from "../util/log.js";
import type { XmppEvents } from "./client-events.js";
import type { CapsResolver } from "./caps/caps-resolver.js";
import type { DiscoInfo } from "./caps/disco-info.js";
import type { Presence } from "./presence/presence.js";
import { PresenceTable } from "./presence/presence-table.js";
import { bareJid } from "./jid.js";

type Emit = <K extends keyof XmppEvents>(event: K, payload: XmppEvents[K]) => void;

export class Contacts {
  readonly presences = new PresenceTable();
  private readonly caps = new Map<string, DiscoInfo>();

  constructor(
    private readonly resolver: CapsResolver,
    private readonly emit: Emit,
    private readonly log: Logger,
  ) {}

  capsOf(fullJid: string): DiscoInfo | undefined {
    return this.caps.get(fullJid);
  }

  /** XEP-0115 §6.3: resolve a resource's caps; announce them while the resource is still there. */
  learnCaps(p: Presence): void {
    if (!p.caps) return;
    this.resolver.resolve(p.from, p.caps).then(
      (info) => {
        if (!info || !this.presences.get(p.from)) return;
        this.caps.set(p.from, info);
        this.emit("caps", { jid: p.from, info });
      },
      (e: unknown) => this.log.debug("caps lookup failed", { jid: p.from, error: String(e) }),
    );
  }

  /** After a presence stanza: a resource that left takes its caps with it. */
  presenceSeen(from: string): void {
    if (!this.presences.get(from)) this.caps.delete(from);
  }

  /** RFC 6121 §4.6: without a session we know nothing about anyone's presence. */
  forget(): void {
    for (const r of this.presences.all()) {
      const bare = bareJid(r.from);
      const jid = r.resource ? `${bare}/${r.resource}` : bare;
      this.emit("presence", { jid, bare, resource: r.resource, available: false, presence: { ...r, type: "unavailable" } });
    }
    this.presences.clear();
    this.caps.clear();
  }
}
