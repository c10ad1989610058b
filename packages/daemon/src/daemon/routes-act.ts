// docs/api.md "Acting": contacts, links, messages, calls and their controls.
// Bad input is a 400 with the field at fault; protocol outcomes are data.
import { existsSync } from "node:fs";
import { isAbsolute } from "node:path";
import { readWavFile, type SipCall } from "@cusax/core";
import { ApiError } from "../api/errors.js";
import { answerWithVideo, videoChoiceOf, videoOfBody, withVideo } from "./call-media-book.js";
import type { Router } from "../api/router.js";
import { findCall, isJid, isSipAddress, objectBody, requireJid, stringField, type RouteDeps } from "./deps.js";
import { callView, messageView } from "./views.js";
import { addMessagingRoutes, sendSipMessage } from "./routes-messaging.js";

/** RFC 6121 §3: ask for the contact's presence; approve theirs if they asked first. */
async function addContact(deps: RouteDeps, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const jid = requireJid(stringField(body, "jid", true), "jid");
  const name = stringField(body, "name", false);
  const { xmpp } = deps.client;
  await xmpp.rosterAdd({ jid, ...(name ? { name } : {}) });
  await xmpp.subscribe(jid);
  const approved = deps.pendingSubscriptions.delete(jid);
  if (approved) await xmpp.approve(jid);
  deps.store.upsertContact({ kind: "jid", value: jid }, { ...(name ? { name } : {}), at: Date.now() });
  return { jid, subscribed: true, approved };
}

async function sendMessage(deps: RouteDeps, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const text = stringField(body, "text", true);
  const to = stringField(body, "to", false);
  const id = body.conversationId;
  if ((to === undefined) === (id === undefined)) throw new ApiError("bad-request", "give exactly one of to (a JID, sip: or tel: address) or conversationId");
  // protocol.md D24: a sip:/tel: address the user names gets a SIP MESSAGE.
  if (to !== undefined && isSipAddress(to)) return sendSipMessage(deps, to, text);
  let conversationId: number;
  if (to !== undefined) {
    conversationId = deps.client.conversationWith(requireJid(to, "to")).id;
  } else {
    if (typeof id !== "number" || !deps.store.getConversation(id)) throw new ApiError("not-found", `conversationId: no conversation ${JSON.stringify(id)}`);
    conversationId = id;
  }
  const message = await deps.client.send(conversationId, text);
  return { conversationId, message: messageView(message) };
}

/** A WAV file the call cannot play is the request's fault (400), found before the call starts. */
function checkWav(path: string): void {
  try {
    readWavFile(path);
  } catch (err) {
    throw new ApiError("bad-request", `play: ${(err as Error).message} ("${path}"; 16-bit PCM WAV expected)`);
  }
}

function placeCall(deps: RouteDeps, body: Record<string, unknown>): Record<string, unknown> {
  const to = stringField(body, "to", true);
  const play = stringField(body, "play", false);
  if (!isSipAddress(to) && !isJid(to)) throw new ApiError("bad-request", `to: expected a JID or a sip:/tel: URI, got "${to}"`);
  if (play !== undefined && !(isAbsolute(play) && existsSync(play))) throw new ApiError("bad-request", `play: no such file (an absolute path to a WAV file): "${play}"`);
  if (play !== undefined) checkWav(play);
  if (deps.client.sip.registrationState !== "registered") throw new ApiError("unavailable", `the SIP account is ${deps.client.sip.registrationState}, not registered`);
  // protocol.md D33: the call's media choice goes with it ("browser": silence until the page's leg attaches).
  const spec = deps.play.specOf(body.media, play);
  const options = Object.keys(spec).length > 0 ? { mediaSpec: spec } : {};
  // protocol.md D32: `video: true` offers VP8 (carried by the page's leg).
  const video = videoChoiceOf(body.video);
  try {
    if (isSipAddress(to)) {
      const call = withVideo(video, () => deps.client.call(to, options));
      deps.placed(call);
      // A dialled call to a known contact is tied to a conversation (protocol.md D15): say which.
      const conversationId = deps.store.findCallBySipCallId(call.id)?.conversationId;
      return { ...(conversationId !== undefined ? { conversationId } : {}), call: callView(call, deps.recordings) };
    }
    // protocol.md §5: a call from the chat carries the conversation's thread.
    const conversation = deps.client.conversationWith(to.toLowerCase());
    const call = withVideo(video, () => deps.client.callFromConversation(conversation.id, options));
    deps.placed(call);
    return { conversationId: conversation.id, call: callView(call, deps.recordings) };
  } catch (err) {
    throw new ApiError("conflict", `cannot call ${to}: ${(err as Error).message}`);
  }
}

/** The answer's optional JSON body `{media}`; no body (or no `media`) keeps the call's media. */
function answeredFor(json: () => unknown): unknown {
  let body: unknown;
  try {
    body = json();
  } catch {
    return undefined;
  }
  return body && typeof body === "object" ? (body as Record<string, unknown>).media : undefined;
}

function callControls(router: Router, deps: RouteDeps): void {
  const view = (call: SipCall) => callView(call, deps.recordings);
  router
    .add("POST", "/calls/:id/answer", async ({ params, json }) => {
      const call = findCall(deps, params.id!);
      if (call.direction !== "incoming") throw new ApiError("conflict", "only an incoming call can be answered");
      const spec = deps.play.specOf(answeredFor(json));
      answerWithVideo(call.id, videoOfBody(json));
      return { answered: await deps.client.answer(call, Object.keys(spec).length > 0 ? { mediaSpec: spec } : {}), call: view(call) };
    })
    .add("POST", "/calls/:id/hangup", ({ params }) => {
      const call = findCall(deps, params.id!);
      call.hangup();
      return { call: view(call) };
    })
    .add("POST", "/calls/:id/hold", async ({ params }) => {
      const call = findCall(deps, params.id!);
      const held = await call.hold();
      return { held, ...refusal(held, call), call: view(call) };
    })
    .add("POST", "/calls/:id/resume", async ({ params }) => {
      const call = findCall(deps, params.id!);
      const resumed = await call.resume();
      return { resumed, ...refusal(resumed, call), call: view(call) };
    })
    .add("POST", "/calls/:id/transfer", async ({ params, json }) => {
      // RFC 3515 blind transfer: the peer is asked to call `target`; NOTIFY progress comes back.
      const target = stringField(objectBody(json()), "target", true);
      if (!/^(sips?|tel):\S+$/i.test(target)) throw new ApiError("bad-request", "target: expected a sip:, sips: or tel: URI");
      const result = await findCall(deps, params.id!).transfer(target);
      return { transfer: result };
    })
    .add("POST", "/calls/:id/dtmf", async ({ params, json }) => {
      const digits = stringField(objectBody(json()), "digits", true);
      // RFC 4733 §3.2: events 0-9, *, #, A-D.
      if (!/^[0-9*#A-Da-d]{1,64}$/.test(digits)) throw new ApiError("bad-request", "digits: expected 1-64 of 0-9 * # A-D");
      await findCall(deps, params.id!).sendDtmf(digits.toUpperCase());
      return { sent: digits.toUpperCase() };
    });
}

/** Why a hold or resume did not happen (the peer's status, or the call's state): an outcome, not an error. */
function refusal(ok: boolean, call: SipCall): { reason?: string } {
  const failure = ok ? undefined : call.lastUpdateFailure;
  return failure ? { reason: failure.reason } : {};
}

export function addActionRoutes(router: Router, deps: RouteDeps): void {
  router
    .add("POST", "/contacts", ({ json }) => addContact(deps, objectBody(json())))
    .add("POST", "/links", ({ json }) => {
      const body = objectBody(json());
      const jid = requireJid(stringField(body, "jid", true), "jid");
      const sip = stringField(body, "sip", true);
      try {
        deps.client.link(jid, sip);
      } catch (err) {
        throw new ApiError("bad-request", `sip: ${(err as Error).message}`);
      }
      return { links: deps.client.links(jid).map((l) => ({ jid: l.jid, other: l.other.value, origin: l.origin, trust: l.trust })) };
    })
    .add("POST", "/messages", ({ json }) => sendMessage(deps, objectBody(json())))
    .add("POST", "/calls", ({ json }) => placeCall(deps, objectBody(json())));
  callControls(router, deps);
  addMessagingRoutes(router, deps);
}
