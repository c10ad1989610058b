// `cusax status`: both accounts as the daemon sees them (GET /status), with
// what is wrong in words that name the config key to fix (protocol.md D34).
import { apiCommand } from "./kit.js";

type Account = { state: string; problem: { key: string; message: string } | null; retryAt: string | null };
type Status = {
  sip: { registration: string; gruu: string | null; account?: Account };
  xmpp: { state: string; jid: string | null; account?: Account };
  calls: number;
  presence?: { show: string; status: string };
};

/** "retrying — sip.proxy: no answer from 127.0.0.1:5999 over udp (retrying in 8 s)", or the protocol state when all is well. */
function accountLine(protocolState: string, up: string, account: Account | undefined): string {
  if (!account || account.state === "online") return up;
  const shown = account.state === "connecting" ? `connecting (${protocolState})` : account.state;
  return account.problem ? `${shown} — ${account.problem.key}: ${account.problem.message}` : shown;
}

export function statusText(s: Status): string {
  const sip = accountLine(s.sip.registration, `${s.sip.registration}${s.sip.gruu ? ` (GRUU ${s.sip.gruu})` : ""}`, s.sip.account);
  const xmpp = accountLine(s.xmpp.state, `${s.xmpp.state}${s.xmpp.jid ? ` as ${s.xmpp.jid}` : ""}`, s.xmpp.account);
  const presence = s.presence ? [`presence: ${s.presence.show}${s.presence.status ? ` (${s.presence.status})` : ""}`] : [];
  return [`SIP:  ${sip}`, `XMPP: ${xmpp}`, `calls: ${s.calls}`, ...presence].join("\n");
}

export const statusCommand = apiCommand({
  name: "status",
  summary: "show both accounts: SIP registration and GRUU, XMPP state and JID, and what is wrong",
  usage: [
    "status [--json]", "",
    "Each account is connecting, online, retrying (what failed, and when the next attempt goes out) or failed",
    "(what to fix, by its config key: sip.password, sip.proxy, xmpp.password, xmpp.service, ca, ...).", "",
    "Exit status: 0 both accounts up, 1 one is down, 3 the daemon is not running.",
  ],
  arity: { min: 0, max: 0 },
  async run({ api }) {
    const s = (await api.request("GET", "/status")) as Status;
    const up = s.sip.registration === "registered" && s.xmpp.state === "online";
    return { json: s, text: statusText(s), exit: up ? 0 : 1 };
  },
});
