// The test world: real servers and peers on loopback, each in a fresh
// temporary directory on free ports with generated users and certificates.
export { startProsody, type Prosody, type ProsodyOptions, type XmppServer, type XmppServerShape, type XmppUser } from "./prosody.js";
export { startStockProsody, type StockProsodyOptions } from "./prosody-stock.js";
export { startEjabberd, type EjabberdOptions } from "./ejabberd.js";
export { startKamailio, type Kamailio, type KamailioOptions, type SipServer, type SipUser } from "./kamailio.js";
export { startStockKamailio, type StockKamailio, type StockKamailioOptions, type LocationRow } from "./kamailio-stock.js";
export { startMariadb, type Mariadb } from "./mariadb.js";
export { startBaresip, type Baresip, type BaresipEvent, type BaresipOptions } from "./baresip.js";
export { startLinphone, type Linphone, type LinphoneEvent, type LinphoneEventType, type LinphoneOptions, type LinphoneServer } from "./linphone.js";
export { startSlixPeer, type SlixPeer, type SlixEvent } from "./slix.js";
export { makeTone, audioStat, type AudioStat } from "./audio.js";
export { parseSipdump, startLines, type WireRecord } from "./sipdump.js";
export { freePort, freePorts, freePortRange, LOOPBACK } from "./ports.js";
export { until, tcpAccepts } from "./wait.js";
export { makeWorldDir, removeWorldDir } from "./dir.js";
export { useCleanup } from "./cleanup.js";
export { startNatWorld, NAT_ADDRESSES, type NatKind, type NatWorld } from "./netns.js";
export { startCoturn, type Coturn, type CoturnOptions } from "./coturn.js";
