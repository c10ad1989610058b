// The server shapes a cross-protocol world test runs on: our own Kamailio and
// Prosody, Debian's stock kamailio.cfg (GRUUs off, the stock default, and on),
// Debian's default prosody.cfg.lua, and ejabberd. A world is one XMPP server
// and one SIP server; the matrix varies one side at a time against ours.
import { startEjabberd } from "./ejabberd.js";
import { startKamailio, type SipServer } from "./kamailio.js";
import { startStockKamailio } from "./kamailio-stock.js";
import { startProsody, type XmppServer } from "./prosody.js";
import { startStockProsody } from "./prosody-stock.js";

export type ServerShape = {
  /** "sip=<shape> xmpp=<shape>", for test titles. */
  readonly name: string;
  readonly sip: SipServer["shape"];
  readonly xmpp: XmppServer["shape"];
};

type Track = <T extends { stop(): Promise<void> }>(t: T) => T;

export const SERVER_SHAPES: readonly ServerShape[] = (
  [
    ["ours", "prosody"],
    ["stock", "prosody"],
    ["stock-gruu", "prosody"],
    ["ours", "prosody-stock"],
    ["ours", "ejabberd"],
  ] as const
).map(([sip, xmpp]) => ({ name: `sip=${sip} xmpp=${xmpp}`, sip, xmpp }));

export async function startSipShape(shape: SipServer["shape"], users: string[], label?: string): Promise<SipServer> {
  if (shape === "ours") return startKamailio({ users, ...(label ? { label } : {}) });
  return startStockKamailio({ users, gruu: shape === "stock-gruu", tls: false, ...(label ? { label } : {}) });
}

export async function startXmppShape(shape: XmppServer["shape"], users: string[], label?: string): Promise<XmppServer> {
  const o = { users, ...(label ? { label } : {}) };
  if (shape === "prosody") return startProsody(o);
  if (shape === "prosody-stock") return startStockProsody(o);
  return startEjabberd(o);
}

/** Both servers of a shape, started side by side and stopped by `track`. */
export async function startWorld(track: Track, shape: ServerShape, users: string[]): Promise<{ xmpp: XmppServer; sip: SipServer }> {
  const [xmpp, sip] = await Promise.allSettled([startXmppShape(shape.xmpp, users), startSipShape(shape.sip, users)]);
  // Whatever started is stopped by `track`, also when the other side failed.
  if (xmpp.status === "fulfilled") track(xmpp.value);
  if (sip.status === "fulfilled") track(sip.value);
  if (xmpp.status === "rejected") throw xmpp.reason;
  if (sip.status === "rejected") throw sip.reason;
  return { xmpp: xmpp.value, sip: sip.value };
}
