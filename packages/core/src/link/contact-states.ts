// protocol.md §3 "Reading others": the SIP state of every contact resource,
// kept from XMPP presence, caps and PEP activity, with an event whenever a
// resource's or a person's state changes.
import { Emitter } from "../util/events.js";
import { bareJid, type XmppClient, type Activity } from "../xmpp/index.js";
import { contactSipState, deriveSipState, type ResourceFacts, type SipState } from "./sip-state.js";

export type SipStateChange = { jid: string; bare: string; resource: string; state: SipState; contactState: SipState };
export type ContactStateEvents = { change: SipStateChange };

export class ContactStates {
  readonly events = new Emitter<ContactStateEvents>();
  private readonly facts = new Map<string, Map<string, ResourceFacts>>();
  private readonly activity = new Map<string, Activity | undefined>();
  private readonly last = new Map<string, string>();

  constructor(private readonly xmpp: XmppClient) {
    xmpp.on("presence", (p) => {
      const f: ResourceFacts = {
        available: p.available,
        reach: (p.presence.reach ?? []).map((r) => r.uri),
        features: xmpp.capsOf(p.jid)?.features,
        ...(p.presence.show ? { show: p.presence.show } : {}),
        ...(p.presence.status ? { status: p.presence.status } : {}),
      };
      this.set(p.bare, p.resource, f);
    });
    xmpp.on("caps", ({ jid, info }) => {
      const bare = bareJid(jid);
      const resource = jid.slice(bare.length + 1);
      const f = this.facts.get(bare)?.get(resource);
      if (f) this.set(bare, resource, { ...f, features: info.features });
    });
    xmpp.on("activity", ({ from, activity }) => {
      const bare = bareJid(from);
      this.activity.set(bare, activity);
      for (const resource of this.facts.get(bare)?.keys() ?? []) this.emitIfChanged(bare, resource);
    });
  }

  /** The state of one resource ("bob@example.com/desk"), or of the person (bare JID) over all resources. */
  stateOf(jid: string): SipState {
    const bare = bareJid(jid);
    const resources = this.facts.get(bare);
    if (!resources) return "unknown";
    if (jid === bare) return contactSipState([...resources.values()].map((f) => this.withActivity(bare, f)));
    const f = resources.get(jid.slice(bare.length + 1));
    return f ? deriveSipState(this.withActivity(bare, f)) : "unknown";
  }

  private withActivity(bare: string, f: ResourceFacts): ResourceFacts {
    const a = this.activity.get(bare);
    return a ? { ...f, activity: { general: a.general, ...(a.specific ? { specific: a.specific } : {}) } } : f;
  }

  private set(bare: string, resource: string, f: ResourceFacts): void {
    let resources = this.facts.get(bare);
    if (!resources) this.facts.set(bare, (resources = new Map()));
    resources.set(resource, f);
    this.emitIfChanged(bare, resource);
  }

  private emitIfChanged(bare: string, resource: string): void {
    const jid = `${bare}/${resource}`;
    const state = this.stateOf(jid);
    const contactState = this.stateOf(bare);
    const key = `${state} ${contactState}`;
    if (this.last.get(jid) === key) return;
    this.last.set(jid, key);
    this.events.emit("change", { jid, bare, resource, state, contactState });
  }
}
