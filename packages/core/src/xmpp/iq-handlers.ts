// IQs we answer: XEP-0030 disco#info (with the XEP-0115 node#ver, §6.2) and
// RFC 6121 §2.1.6 roster pushes (only from our own account). XEP-0199 pings are
// answered by @xmpp/client itself.
import type { Entity } from "@xmpp/client";
import { xml } from "./xml.js";
import type { Logger } from "../util/log.js";
import { NS_DISCO_INFO, serializeDiscoInfo } from "./caps/disco-info.js";
import { NS_STANZAS } from "./chat/message.js";
import { NS_ROSTER, parseRosterPush } from "./roster/roster.js";
import type { RosterBook, RosterChange } from "./roster/roster-book.js";
import type { OwnCaps } from "./own-caps.js";

export type IqHandlerContext = {
  caps: OwnCaps;
  roster: RosterBook;
  log: Logger;
  ourJid(): string;
  rosterChanged(change: RosterChange): void;
};

const stanzaError = (condition: string) => xml("error", { type: "cancel" }, xml(condition, { xmlns: NS_STANZAS }));

export function registerIqHandlers(entity: Entity, ctx: IqHandlerContext): void {
  entity.iqCallee.get(NS_DISCO_INFO, "query", ({ element }) => {
    const node = element.attrs.node;
    if (!ctx.caps.answers(node)) return stanzaError("item-not-found");
    return serializeDiscoInfo({ ...ctx.caps.info(), ...(node ? { node } : {}) });
  });
  entity.iqCallee.set(NS_ROSTER, "query", ({ stanza }) => {
    const push = parseRosterPush(stanza, ctx.ourJid());
    if (push.kind === "rejected") {
      ctx.log.warn("rejected roster push", { reason: push.reason });
      return stanzaError("service-unavailable");
    }
    const change = ctx.roster.apply(push);
    if (change) ctx.rosterChanged(change);
    return true;
  });
}
