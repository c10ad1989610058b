// RFC 3515 (REFER, NOTIFY with message/sipfrag progress), RFC 3892 (Referred-By): blind transfer both ways.
import { ParseError } from "../../util/errors.js";
import { bodyText } from "../dialog/index.js";
import { parseNameAddr, serializeUri, type SipRequest, type SipResponse } from "../message/index.js";
import type { ServerTransaction } from "../transaction/index.js";
import type { Call } from "./call.js";
import type { TransferProgress } from "./types.js";

export type TransferResult = { accepted: true } | { accepted: false; status?: number };

/** How long the transferor waits for the referee's BYE after a successful transfer. */
export const TRANSFER_GRACE_MS = 2000;
const SIPFRAG = "message/sipfrag;version=2.0";

/** RFC 3515 §2.4.5: the status line of a sipfrag body ("SIP/2.0 200 OK"). */
export function parseSipfragStatus(body: string): { status: number; reason: string } | undefined {
  const m = /^SIP\/2\.0 (\d{3})(?: (.*))?$/m.exec(body.trimStart());
  if (!m) return undefined;
  return { status: Number(m[1]), reason: (m[2] ?? "").trim() };
}

/** REFER out (RFC 3515 §2.4.1): resolves when the REFER itself is answered; the outcome comes by NOTIFY. */
export function sendRefer(call: Call, target: string): Promise<TransferResult> {
  return new Promise((resolve) => {
    // RFC 5057 §5.1: a failure that ends the dialog ends the call too.
    const failed = (r: SipResponse | undefined, failure?: string) => {
      if (sent && call.inDialogFailed(sent, r, failure)) call.endWithBye({ reason: "dialog-failed", method: "REFER", ...(r ? { status: r.status } : {}) });
    };
    const sent: SipRequest | undefined = call.sendInDialog(
      "REFER",
      { headers: [["Refer-To", target.startsWith("<") ? target : `<${target}>`], ["Referred-By", call.ctx.identity]] },
      {
        onResponse: (r) => {
          if (r.status < 200) return;
          if (r.status >= 300) failed(r);
          resolve(r.status < 300 ? { accepted: true } : { accepted: false, status: r.status });
        },
        onFailure: (f) => {
          failed(undefined, f.reason);
          resolve({ accepted: false });
        },
      },
    );
    if (!sent) resolve({ accepted: false });
  });
}

/**
 * NOTIFY of the implicit refer subscription (RFC 3515 §2.4.4): answered 200, its sipfrag status
 * emitted; a final 2xx completes the blind transfer, so we end our call with BYE.
 */
export function receiveNotify(call: Call, request: SipRequest, tx: ServerTransaction): void {
  const event = request.headers.get("Event")?.split(";")[0]?.trim().toLowerCase();
  if (event !== "refer") {
    call.respond(tx, request, 489, { reason: "Bad Event" });
    return;
  }
  call.respond(tx, request, 200);
  const frag = parseSipfragStatus(bodyText(request));
  if (!frag) return;
  const terminated = /^\s*terminated/i.test(request.headers.get("Subscription-State") ?? "");
  const progress: TransferProgress = { ...frag, final: frag.status >= 200 || terminated };
  call.emit("transfer", progress);
  if (frag.status < 200 || frag.status >= 300) return;
  // RFC 5589 §6.1: the transfer worked; the referee may end our call itself, else we do after a moment.
  call.transferred = true;
  call.ctx.clock.setTimeout(() => {
    if (call.state === "established") call.endWithBye({ reason: "transferred" });
  }, TRANSFER_GRACE_MS);
}

/**
 * REFER in (RFC 3515 §2.4.2): 202, NOTIFY 100 Trying, place the new call; NOTIFY its final
 * status (§2.4.5), and end this call once the new one is up.
 */
export function receiveRefer(call: Call, request: SipRequest, tx: ServerTransaction): void {
  const referTo = request.headers.get("Refer-To");
  let target: string;
  try {
    target = serializeUri(parseNameAddr(referTo ?? "").uri);
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    call.respond(tx, request, 400, { reason: "Bad Refer-To" });
    return;
  }
  call.respond(tx, request, 202);
  notify(call, 100, "Trying", false);
  const placed = call.ctx.placeCall(target, call);
  placed.events.on("state", ({ to }) => {
    if (to !== "established") return;
    notify(call, 200, "OK", true);
    call.endWithBye({ reason: "transferred" });
  });
  placed.events.on("ended", (end) => {
    if (placed.dialog?.state === "confirmed" || end.reason === "hangup") return;
    const status = ("status" in end ? end.status : undefined) ?? (end.reason === "timeout" ? 408 : 503);
    notify(call, status, "Failed", true);
  });
}

function notify(call: Call, status: number, reason: string, final: boolean): void {
  const state = final ? "terminated;reason=noresource" : "active;expires=60";
  call.sendInDialog("NOTIFY", {
    headers: [["Event", "refer"], ["Subscription-State", state]],
    body: { contentType: SIPFRAG, body: `SIP/2.0 ${status} ${reason}\r\n` },
  });
}
