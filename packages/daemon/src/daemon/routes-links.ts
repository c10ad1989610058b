// docs/api.md "DELETE /links": the user removes a link from a contact's links
// panel (protocol.md §7). DECISION(protocol.md D31): the link is kept as
// rejected, so the next reach presence or discovery does not bring it back;
// only POST /links (the user linking it again) does.
import type { Address } from "@cusax/core";
import { ApiError } from "../api/errors.js";
import type { ApiEvent } from "../api/event-stream.js";
import type { Router } from "../api/router.js";
import { isSipAddress, requireJid, type RouteDeps } from "./deps.js";
import { linkView } from "./views.js";

function sipOf(raw: string | null): Address {
  if (!raw || !isSipAddress(raw)) throw new ApiError("bad-request", "sip: expected a sip:, sips: or tel: address, e.g. ?jid=bob@example.com&sip=sip:bob@example.com");
  return { kind: raw.trim().toLowerCase().startsWith("tel:") ? "tel" : "sip", value: raw.trim() };
}

export function addLinkRoutes(router: Router, deps: RouteDeps, publish: (event: ApiEvent) => void): void {
  router.add("DELETE", "/links", ({ query }) => {
    const jid = requireJid(query.get("jid") ?? "", "jid");
    const sip = sipOf(query.get("sip"));
    let removed;
    try {
      removed = deps.store.rejectLink(jid, sip, Date.now());
    } catch {
      throw new ApiError("bad-request", `sip: not a usable address: "${sip.value}"`);
    }
    if (!removed) throw new ApiError("not-found", `no link between "${jid}" and "${sip.value}"`);
    publish({ type: "linkRemoved", jid: removed.jid, other: removed.other.value });
    return { removed: linkView(removed), links: deps.client.links(jid).map(linkView) };
  });
}
