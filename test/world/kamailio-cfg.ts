// The Kamailio configuration of the test world, generated per instance:
// registrar (in-memory usrloc, GRUU), digest authentication against an
// in-memory table, stateful proxy with record-routing, UDP/TCP/TLS/WS on
// loopback, and every message in and out dumped by sipdump for wire assertions.

export type KamailioPorts = { udp: number; tcp: number; tls: number; ws: number };

export type KamailioCfgInput = {
  dir: string;
  domain: string;
  ports: KamailioPorts;
  users: Record<string, string>;
  digestAlgorithm: "MD5" | "SHA-256";
  /** Compared against for users not in the table, so they always fail. */
  unknownUserPassword: string;
  /**
   * Default true: after loose_route(), a Request-URI in our domain (a GRUU) is looked up in the location
   * table. false: the shape of Debian's stock script (loose_route(), then relay as it is), where an
   * in-dialog request to a GRUU fails with 478 Unresolvable destination.
   */
  gruuInDialog?: boolean;
  /** Also listen on ::1 (same ports, every transport): the IPv6 world (RFC 5118). */
  ipv6?: boolean;
  /** The IPv4 address to listen on (default 127.0.0.1; a namespace host in the NAT world). */
  host?: string;
};

/** The listen lines for one address (an IPv6 one in brackets). */
function listenLines(host: string, ports: KamailioPorts): string {
  return ["udp", "tcp", "tls"].map((t) => `listen=${t}:${host}:${ports[t as "udp" | "tcp" | "tls"]}`).join("\n") + `\nlisten=tcp:${host}:${ports.ws}`;
}

const modules = [
  "kex", "corex", "tm", "tmx", "sl", "rr", "pv", "maxfwd", "usrloc", "registrar", "textops",
  "siputils", "xlog", "sanity", "ctl", "cfg_rpc", "auth", "htable", "nathelper", "tls", "xhttp",
  "websocket", "sipdump",
];

function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** route[IN_DIALOG]'s branch after a successful loose_route(). */
function afterLooseRoute(gruuInDialog: boolean): string {
  if (!gruuInDialog) {
    return `    # The stock shape: no location lookup for in-dialog requests, relayed as they are.
    if ($du == "") { handle_ruri_alias(); }
    route(RELAY);`;
  }
  return `    # A Request-URI in our domain is a GRUU (RFC 5627 §5.1: a UA's dialog
    # Contact): the registrar resolves it to that one instance's binding.
    if (uri==myself) { route(TO_USER); }
    if ($du == "" && !handle_ruri_alias()) { sl_send_reply("400", "Bad Request-URI alias"); exit; }
    route(RELAY);`;
}

export function kamailioConfig(c: KamailioCfgInput): string {
  const users = Object.entries(c.users)
    .map(([u, pw]) => `  $sht(users=>${u}) = ${quote(pw)};`)
    .join("\n");
  return `#!KAMAILIO
# cusax test world (generated)
debug=2
log_stderror=yes
fork=yes
children=2
tcp_children=2
auto_aliases=no
dns=no
rev_dns=no
use_dns_cache=no
enable_tls=yes
tcp_accept_no_cl=yes
tcp_connection_lifetime=3605
${listenLines(c.host ?? "127.0.0.1", c.ports)}
${c.ipv6 ? listenLines("[::1]", c.ports) : ""}
# Only the SIP domain is an alias: aliasing 127.0.0.1 would make every UA
# Contact look like "myself" and break loose routing of in-dialog requests.
alias=${c.domain}

${modules.map((m) => `loadmodule "${m}.so"`).join("\n")}

modparam("ctl", "binrpc", "unix:${c.dir}/kamailio.ctl")
modparam("tm", "fr_timer", 10000)
modparam("tm", "fr_inv_timer", 90000)
modparam("rr", "enable_full_lr", 0)
modparam("rr", "append_fromtag", 1)
modparam("usrloc", "db_mode", 0)
modparam("usrloc", "use_domain", 0)
modparam("registrar", "gruu_enabled", 1)
modparam("registrar", "max_expires", 3600)
modparam("registrar", "min_expires", 10)
modparam("registrar", "received_avp", "$avp(RECEIVED)")
modparam("nathelper", "received_avp", "$avp(RECEIVED)")
modparam("auth", "nonce_expire", 300)
modparam("auth", "algorithm", "${c.digestAlgorithm}")
modparam("htable", "htable", "users=>size=6;")
modparam("tls", "config", "${c.dir}/tls.cfg")
modparam("websocket", "keepalive_mechanism", 0)
modparam("sipdump", "enable", 1)
modparam("sipdump", "mode", 1)
modparam("sipdump", "folder", "${c.dir}/sipdump")
modparam("sipdump", "fprefix", "dump-")

event_route[htable:mod-init] {
${users}
}

request_route {
  xlog("L_INFO", "request $rm $ru from $si:$sp over $pr\\n");
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (!sanity_check("1511", "7")) { xlog("L_WARN", "malformed request from $si:$sp\\n"); exit; }

  # Clients on a connection (WebSocket, or TCP/TLS from an ephemeral port) are
  # reached back over that connection: remember it as an alias / received.
  if (nat_uac_test("80")) {
    force_rport();
    if (is_method("REGISTER")) { fix_nated_register(); }
    else if (!add_contact_alias()) { sl_send_reply("400", "Bad Contact"); exit; }
  }

  if (is_method("CANCEL")) { if (t_check_trans()) { route(RELAY); } exit; }
  if (!is_method("ACK")) {
    if (t_precheck_trans()) { t_check_trans(); exit; }
    t_check_trans();
  }

  route(IN_DIALOG);
  if (is_method("OPTIONS") && uri==myself && $rU==$null) { sl_send_reply("200", "Keepalive"); exit; }
  route(AUTHENTICATE);
  remove_hf("Route");
  if (is_method("INVITE|SUBSCRIBE|REFER")) { record_route(); }
  if (is_method("REGISTER")) {
    if (!save("location")) { sl_reply_error(); }
    exit;
  }
  if ($rU==$null) { sl_send_reply("484", "Address Incomplete"); exit; }
  route(TO_USER);
}

route[RELAY] {
  if (!t_relay()) { sl_reply_error(); }
  exit;
}

route[IN_DIALOG] {
  if (!has_totag()) return;
  if (loose_route()) {
${afterLooseRoute(c.gruuInDialog ?? true)}
  }
  if (is_method("ACK")) {
    if (t_check_trans()) { route(RELAY); }
    exit;
  }
  sl_send_reply("404", "Not Here");
  exit;
}

route[AUTHENTICATE] {
  if (is_method("ACK|CANCEL|PRACK")) return;
  if (is_method("REGISTER") || from_uri==myself) {
    $var(pw) = $sht(users=>$fU);
    if ($var(pw) == $null) { $var(pw) = ${quote(c.unknownUserPassword)}; }
    if (is_method("REGISTER")) {
      if (!pv_www_authenticate("$td", "$var(pw)", "0")) { www_challenge("$td", "0"); exit; }
      if ($au != $tU) { sl_send_reply("403", "Forbidden Auth ID"); exit; }
    } else {
      if (!pv_proxy_authenticate("$fd", "$var(pw)", "0")) { proxy_challenge("$fd", "0"); exit; }
      if ($au != $fU) { sl_send_reply("403", "Forbidden Auth ID"); exit; }
    }
    consume_credentials();
  }
  if (!(from_uri==myself || uri==myself)) { sl_send_reply("403", "Not Relaying"); exit; }
}

route[TO_USER] {
  if (uri==myself) {
    if (!lookup("location")) {
      switch ($rc) {
        case -1:
        case -3:
          send_reply("404", "Not Found"); exit;
        case -2:
          send_reply("405", "Method Not Allowed"); exit;
      }
    }
  }
  if ($du == "") { handle_ruri_alias(); }
  route(RELAY);
}

onreply_route {
  if (nat_uac_test("80")) { add_contact_alias(); }
}

event_route[xhttp:request] {
  set_reply_close();
  set_reply_no_connect();
  if ($Rp != ${c.ports.ws}) { xhttp_reply("403", "Forbidden", "", ""); exit; }
  if ($hdr(Upgrade) =~ "websocket" && $hdr(Connection) =~ "Upgrade" && $rm =~ "GET") {
    if (ws_handle_handshake()) { exit; }
  }
  xhttp_reply("404", "Not Found", "", "");
}
`;
}

export function kamailioTlsConfig(certFile: string, keyFile: string): string {
  return `[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
certificate = ${certFile}
private_key = ${keyFile}

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
`;
}
