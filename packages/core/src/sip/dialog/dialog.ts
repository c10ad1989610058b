// RFC 3261 §12: dialog state, id, CSeq spaces, route set and remote target; in-dialog requests (§12.2.1.1) and checks (§12.2.2).
//
//   1xx with To tag          2xx (or ACK of our 2xx)
//   ---------------> early -------------------------> confirmed
//                      |   2xx (UAC) / request (UAS)      |
//                      |------------------------------->  |
//                      | non-2xx final, BYE...            | BYE, 481, 408...
//                      V                                  V
//                              terminated  <--------------+
import { Emitter } from "../../util/events.js";
import {
  parseNameAddr, serializeNameAddr, type AnyUri, type NameAddr, type SipRequest, type SipResponse,
} from "../message/index.js";
import type { StateChange, TransitionTable } from "../transaction/index.js";
import { buildRequest, type Body, type ViaSpec } from "./build.js";

export type DialogState = "early" | "confirmed" | "terminated";

const TRANSITIONS: TransitionTable<DialogState> = {
  early: ["confirmed", "terminated"],
  confirmed: ["terminated"],
  terminated: [],
};

export type DialogId = { callId: string; localTag: string; remoteTag: string };

export function dialogKey(id: DialogId): string {
  return `${id.callId}\n${id.localTag}\n${id.remoteTag}`;
}

/** The dialog key a received request belongs to (its To tag is our local tag), or undefined outside dialogs. */
export function requestDialogKey(request: SipRequest): string | undefined {
  const h = request.headers;
  const [callId, localTag, remoteTag] = [h.callId(), h.to()?.tag, h.from()?.tag];
  if (!callId || !localTag || remoteTag === undefined) return undefined;
  return dialogKey({ callId, localTag, remoteTag });
}

export type DialogInit = {
  id: DialogId;
  state: "early" | "confirmed";
  local: NameAddr;
  remote: NameAddr;
  localSeq: number;
  /** Undefined until the peer sends a request in this dialog (§12.1.2). */
  remoteSeq: number | undefined;
  remoteTarget: AnyUri;
  /** Route header values, in the order our requests carry them. */
  routeSet: string[];
};

export type InDialogRequestSpec = {
  via: ViaSpec;
  contact?: string;
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: Body;
  /** ACK and CANCEL reuse the INVITE's CSeq number (§13.2.2.4, §9.1); otherwise the next local one. */
  cseq?: number;
};

/** One peer's Contact URI, when the message has one (§12.1.1, §12.1.2). */
function contactUri(message: SipRequest | SipResponse): AnyUri | undefined {
  const contacts = message.headers.contact();
  return contacts === "*" ? undefined : contacts[0]?.uri;
}

function withoutTag(na: NameAddr | undefined): NameAddr {
  if (!na) throw new Error("dialog: message without From/To");
  const params = new Map(na.params);
  params.delete("tag");
  return { ...na, params };
}

export class Dialog {
  readonly events = new Emitter<{ state: StateChange<DialogState> }>();
  readonly id: DialogId;
  readonly key: string;
  private current: DialogState;
  private readonly local: NameAddr;
  private readonly remote: NameAddr;
  localSeq: number;
  remoteSeq: number | undefined;
  remoteTarget: AnyUri;
  routeSet: string[];

  constructor(init: DialogInit) {
    this.id = init.id;
    this.key = dialogKey(init.id);
    this.current = init.state;
    this.local = init.local;
    this.remote = init.remote;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
  }

  /** RFC 3261 §12.1.2: the UAC side, from a 1xx (with To tag) or 2xx; Record-Route reversed. */
  static asUac(request: SipRequest, response: SipResponse): Dialog {
    const rh = response.headers;
    const remoteTag = rh.to()?.tag;
    const localTag = request.headers.from()?.tag;
    if (!remoteTag || !localTag) throw new Error("dialog: response without To tag");
    return new Dialog({
      id: { callId: request.headers.callId() ?? "", localTag, remoteTag },
      state: response.status >= 200 ? "confirmed" : "early",
      local: withoutTag(request.headers.from()),
      remote: withoutTag(rh.to()),
      localSeq: request.headers.cseq()?.seq ?? 1,
      remoteSeq: undefined,
      remoteTarget: contactUri(response) ?? request.uri,
      routeSet: rh.getAll("Record-Route").reverse(),
    });
  }

  /** RFC 3261 §12.1.1: the UAS side, from the request and the tag we put in To; Record-Route in order. */
  static asUas(request: SipRequest, localTag: string, state: "early" | "confirmed"): Dialog {
    const h = request.headers;
    return new Dialog({
      id: { callId: h.callId() ?? "", localTag, remoteTag: h.from()?.tag ?? "" },
      state,
      local: withoutTag(h.to()),
      remote: withoutTag(h.from()),
      localSeq: Math.floor(Math.random() * 2 ** 30) + 1,
      remoteSeq: h.cseq()?.seq,
      remoteTarget: contactUri(request) ?? request.uri,
      routeSet: h.getAll("Record-Route"),
    });
  }

  get state(): DialogState {
    return this.current;
  }

  /** The peer's address (To of our requests) without tag. */
  get remoteIdentity(): NameAddr {
    return this.remote;
  }

  get localIdentity(): NameAddr {
    return this.local;
  }

  confirm(): void {
    if (this.current === "early") this.transition("confirmed");
  }

  terminate(): void {
    if (this.current !== "terminated") this.transition("terminated");
  }

  private transition(to: DialogState): void {
    const from = this.current;
    if (!TRANSITIONS[from].includes(to)) throw new Error(`dialog ${this.key}: no transition ${from} -> ${to}`);
    this.current = to;
    this.events.emit("state", { from, to });
  }

  /** RFC 3261 §12.2.1.2 / §12.2.2: a target refresh request or its 2xx replaces the remote target. */
  refreshTarget(message: SipRequest | SipResponse): void {
    const uri = contactUri(message);
    if (uri) this.remoteTarget = uri;
  }

  /** RFC 3261 §12.1.2: a 2xx for the INVITE recomputes the route set of an early dialog. */
  updateFromResponse(response: SipResponse): void {
    if (this.current === "early" && response.status >= 200) this.routeSet = response.headers.getAll("Record-Route").reverse();
    this.refreshTarget(response);
  }

  /**
   * RFC 3261 §12.2.2: a request whose CSeq is lower than the remote sequence number is out of
   * order (500); otherwise it becomes the new remote sequence number. ACK and CANCEL are not counted.
   */
  acceptRemoteSeq(request: SipRequest): boolean {
    if (request.method === "ACK" || request.method === "CANCEL") return true;
    const seq = request.headers.cseq()?.seq;
    if (seq === undefined) return false;
    if (this.remoteSeq !== undefined && seq <= this.remoteSeq) return false;
    this.remoteSeq = seq;
    return true;
  }

  /**
   * RFC 3261 §12.2.1.1: Request-URI = remote target and Route = route set when the first route is
   * a loose router (`;lr`); with a strict router first, it becomes the Request-URI and the
   * remote target goes last in Route.
   */
  createRequest(method: string, spec: InDialogRequestSpec): SipRequest {
    const cseq = spec.cseq ?? ++this.localSeq;
    let uri = this.remoteTarget;
    let routes = this.routeSet;
    const first = routes[0];
    if (first !== undefined) {
      const firstUri = parseNameAddr(first).uri;
      const loose = typeof firstUri !== "string" && firstUri.params.has("lr");
      if (!loose) {
        uri = firstUri;
        routes = [...routes.slice(1), serializeNameAddr({ uri: this.remoteTarget, params: new Map() })];
      }
    }
    return buildRequest({
      method,
      uri,
      from: this.tagged(this.local, this.id.localTag),
      to: this.tagged(this.remote, this.id.remoteTag),
      callId: this.id.callId,
      cseq,
      via: spec.via,
      contact: spec.contact,
      routes,
      headers: spec.headers,
      body: spec.body,
    });
  }

  private tagged(na: NameAddr, tag: string): string {
    const params = new Map(na.params);
    if (tag) params.set("tag", tag);
    return serializeNameAddr({ ...na, params });
  }
}
