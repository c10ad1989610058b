// A contact's JID given on the command line: localpart@domainpart (RFC 7622 §3), else a usage error
// (exit 2) that says what was wrong, before anything is asked of the daemon.
import { CommandFailure, EXIT } from "./kit.js";

export function jidArg(value: string | undefined, what = "JID"): string {
  const v = (value ?? "").trim();
  const at = v.indexOf("@");
  const domain = at < 0 ? "" : v.slice(at + 1).split("/")[0]!;
  if (at <= 0 || domain === "" || /[\s@]/.test(domain) || /\s/.test(v.slice(0, at))) {
    const hint = at < 0 ? ` (no domain: did you mean ${v || "name"}@<your XMPP domain>?)` : "";
    throw new CommandFailure(`${what} must look like name@domain, got "${v}"${hint}`, EXIT.usage);
  }
  return v;
}
