// docs/api.md "Acting", messaging: chat states (XEP-0085), reading with the
// XEP-0333 displayed marker (protocol.md D25), SIP MESSAGE (RFC 3428, D24).
import { CHAT_STATES, type ChatState } from "@cusax/core";
import { ApiError } from "../api/errors.js";
import type { Router, RouteContext } from "../api/router.js";
import { objectBody, stringField, type RouteDeps } from "./deps.js";
import { messageView } from "./views.js";

function conversationId(deps: RouteDeps, raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || !deps.store.getConversation(id)) throw new ApiError("not-found", `no conversation ${JSON.stringify(raw)} (see GET /conversations)`);
  return id;
}

/** A body that may be left out (no JSON Content-Type): POST /conversations/:id/read needs none. */
function optionalBody(ctx: RouteContext): Record<string, unknown> {
  let value: unknown;
  try {
    value = ctx.json();
  } catch (err) {
    if (err instanceof ApiError && err.code === "unsupported-media-type") return {};
    throw err;
  }
  return objectBody(value);
}

/** RFC 3428: a SIP MESSAGE to a sip:/tel: address; pending until the final response (messageState follows). */
export function sendSipMessage(deps: RouteDeps, to: string, text: string): Record<string, unknown> {
  try {
    const { conversation, message, settled } = deps.client.sendSipMessage(to, text);
    void settled.catch(() => undefined);
    return { conversationId: conversation.id, message: messageView(message) };
  } catch (err) {
    throw new ApiError("bad-request", `to: ${(err as Error).message}`);
  }
}

export function addMessagingRoutes(router: Router, deps: RouteDeps): void {
  router
    .add("POST", "/conversations/:id/chat-state", async (ctx) => {
      const id = conversationId(deps, ctx.params.id!);
      const state = stringField(objectBody(ctx.json()), "state", true);
      if (!(CHAT_STATES as readonly string[]).includes(state)) throw new ApiError("bad-request", `state: expected one of ${CHAT_STATES.join(", ")}`);
      return { sent: await deps.client.sendChatState(id, state as ChatState) };
    })
    .add("POST", "/conversations/:id/read", async (ctx) => {
      const id = conversationId(deps, ctx.params.id!);
      const upTo = optionalBody(ctx).upTo;
      if (upTo !== undefined && (typeof upTo !== "number" || deps.store.getMessage(upTo)?.conversationId !== id)) {
        throw new ApiError("bad-request", `upTo: expected the id of a message in conversation ${id}`);
      }
      const { unread } = await deps.client.read(id, upTo as number | undefined);
      return { unread };
    });
}
