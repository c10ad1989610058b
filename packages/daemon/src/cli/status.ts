// `cusax status`: both accounts as the daemon sees them (GET /status).
import { apiCommand } from "./kit.js";

type Status = { sip: { registration: string; gruu: string | null }; xmpp: { state: string; jid: string | null }; calls: number; presence?: { show: string; status: string } };

export const statusCommand = apiCommand({
  name: "status",
  summary: "show both accounts: SIP registration and GRUU, XMPP state and JID",
  usage: ["status [--json]", "", "Exit status: 0 both accounts up, 1 one is down, 3 the daemon is not running."],
  arity: { min: 0, max: 0 },
  async run({ api }) {
    const s = (await api.request("GET", "/status")) as Status;
    const up = s.sip.registration === "registered" && s.xmpp.state === "online";
    const text = [`SIP:  ${s.sip.registration}${s.sip.gruu ? ` (GRUU ${s.sip.gruu})` : ""}`, `XMPP: ${s.xmpp.state}${s.xmpp.jid ? ` as ${s.xmpp.jid}` : ""}`, `calls: ${s.calls}`, ...(s.presence ? [`presence: ${s.presence.show}${s.presence.status ? ` (${s.presence.status})` : ""}`] : [])].join("\n");
    return { json: s, text, exit: up ? 0 : 1 };
  },
});
