// A local world for trying cusax by hand: Prosody and Kamailio on loopback
// with users alice and bob; prints addresses and passwords, runs until Ctrl-C.
import { startKamailio, startProsody } from "../test/world/index.js";

const users = ["alice", "bob"];
const prosody = await startProsody({ users, label: "demo-prosody" });
const kamailio = await startKamailio({ users, label: "demo-kamailio" });

const lines = [
  "cusax demo world is up (loopback only).",
  "",
  `XMPP  Prosody   domain ${prosody.domain}`,
  `      STARTTLS  ${prosody.host}:${prosody.ports.c2s}   direct TLS ${prosody.host}:${prosody.ports.directTls}`,
  `      WebSocket ${prosody.websocketUrl}`,
  `      CA file   ${prosody.caFile}`,
  `SIP   Kamailio  domain ${kamailio.domain}`,
  `      UDP/TCP   ${kamailio.host}:${kamailio.ports.udp}   TLS ${kamailio.host}:${kamailio.ports.tls}   WS ${kamailio.websocketUrl}`,
  "",
  "Accounts:",
  ...users.map(
    (u) => `  ${u}: xmpp ${prosody.users[u]!.jid} / ${prosody.users[u]!.password}    sip ${kamailio.users[u]!.aor} / ${kamailio.users[u]!.password}`,
  ),
  "",
  "Try it with any XMPP client and SIP phone (e.g. baresip: outbound='sip:" +
    `${kamailio.host}:${kamailio.ports.udp};transport=udp').`,
  "The cusax daemon and command line arrive with their issue; see README.md.",
  "Press Ctrl-C to stop.",
];
process.stdout.write(lines.join("\n") + "\n");

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  process.stdout.write("\nstopping...\n");
  await Promise.all([prosody.stop(), kamailio.stop()]);
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
