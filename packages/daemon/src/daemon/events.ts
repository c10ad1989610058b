// docs/api.md "Events": what the client reports, as server-sent events.
// message, call (SIP state changes of a call), callRecord (the stored call),
// sipState, incomingCall, subscriptionRequest, registration, xmpp; and for
// messaging: messageState (XEP-0184/0333, SIP MESSAGE), chatState (XEP-0085),
// dtmf (RFC 4733 digits the peer sent).
import type { SipCall } from "@cusax/core";
import type { ApiEvent } from "../api/http.js";
import type { RouteDeps } from "./deps.js";
import { callRecordView, callView, messageView } from "./views.js";

export type Publish = (event: ApiEvent) => void;

/** Follows one call's state machine (each call once). */
export function watchCall(call: SipCall, deps: RouteDeps, publish: Publish, watched: WeakSet<SipCall>): void {
  if (watched.has(call)) return;
  watched.add(call);
  // The stored record changes when the call is answered and when it ends (docs/api.md `callRecord`):
  // the conversations layer's listeners came first, so the store already holds the new outcome.
  const publishRecord = () => {
    const record = deps.store.findCallBySipCallId(call.id);
    if (record) publish({ type: "callRecord", ...(record.conversationId !== undefined ? { conversationId: record.conversationId } : {}), record: callRecordView(record) });
  };
  call.events.on("state", ({ to }) => {
    if (to !== "ended") publish({ type: "call", call: callView(call, deps.recordings) });
    if (to === "established") publishRecord();
  });
  // "ended" after the state: by then the record (its listener came first) says why a failed call failed.
  call.events.on("ended", () => {
    publish({ type: "call", call: callView(call, deps.recordings, deps.store.findCallBySipCallId(call.id)?.reason) });
    publishRecord();
  });
  call.events.on("hold", () => publish({ type: "call", call: callView(call, deps.recordings) }));
}

/** Wires the client's events to `publish`; `watch` follows a call placed through the API; `off` unwires. */
export function publishClientEvents(deps: RouteDeps, publish: Publish): { off: () => void; watch: (call: SipCall) => void } {
  const { client } = deps;
  const watched = new WeakSet<SipCall>();
  const offs = [
    client.events.on("message", ({ conversation, message }) => publish({ type: "message", conversationId: conversation.id, message: messageView(message) })),
    client.events.on("call", ({ call, record, conversation }) => {
      // An incoming call is followed from its incomingCall event, so that a client sees it before its state changes.
      if (record.direction === "out") watchCall(call, deps, publish, watched);
      publish({ type: "callRecord", ...(conversation ? { conversationId: conversation.id } : {}), record: callRecordView(record) });
    }),
    client.events.on("sipState", (change) => publish({ type: "sipState", ...change })),
    client.events.on("incomingCall", ({ call, conversation }) => {
      watchCall(call, deps, publish, watched);
      publish({ type: "incomingCall", ...(conversation ? { conversationId: conversation.id } : {}), call: callView(call, deps.recordings) });
    }),
    client.sip.events.on("registration", (s) => publish({ type: "registration", state: s.to })),
    client.events.on("messageState", ({ conversationId, messageId, state }) => publish({ type: "messageState", conversationId, messageId, state })),
    client.events.on("chatState", ({ conversationId, from, state }) => publish({ type: "chatState", ...(conversationId !== undefined ? { conversationId } : {}), from, state })),
    client.events.on("dtmf", ({ callId, digit }) => publish({ type: "dtmf", callId, digit })),
    client.xmpp.on("subscriptionRequest", ({ from }) => {
      // RFC 6121 §3.1.3: someone we asked for is approved at once; others wait for `cusax add`.
      const item = client.xmpp.roster().find((i) => i.jid === from);
      if (item && (item.ask === "subscribe" || item.subscription === "to")) {
        void client.xmpp.approve(from).catch(() => undefined);
        publish({ type: "subscriptionRequest", from, approved: true });
        return;
      }
      deps.pendingSubscriptions.add(from);
      publish({ type: "subscriptionRequest", from, approved: false });
    }),
  ];
  return { off: () => offs.forEach((off) => off()), watch: (call) => watchCall(call, deps, publish, watched) };
}
