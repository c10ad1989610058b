// docs/api.md "GET /status", DECISION(protocol.md D34): each account's state
// and what is wrong, in words that name the config key to fix
// ("xmpp.password: the server refused the password (SASL not-authorized)"),
// and the log line for each change (warn, once per new problem; no secrets:
// the words come from the server's answers and our own addresses).
import type { AccountName, AccountProblem, AccountStatus, CusaxClient, Logger } from "@cusax/core";

export type AccountView = { state: AccountStatus["state"]; problem: { key: string; message: string } | null; retryAt: string | null };

const KEYS: Record<AccountName, Record<AccountProblem["kind"], string>> = {
  sip: { credentials: "sip.password", unreachable: "sip.proxy", certificate: "ca", server: "sip.proxy", refused: "sip.aor", address: "sip.aor", local: "sip.listenHost" },
  xmpp: { credentials: "xmpp.password", unreachable: "xmpp.service", certificate: "ca", server: "xmpp.service", refused: "xmpp.jid", address: "xmpp.jid", local: "xmpp.service" },
};

/** The words for a problem: what happened, what to do, and when we try again. */
function words(problem: AccountProblem, status: AccountStatus, now: number): string {
  const fix = problem.kind === "certificate" ? ' — add its CA to "ca"' : "";
  if (status.retryAt === undefined) return `${problem.message}${fix}${status.state === "retrying" ? " (retrying)" : ""}`;
  const seconds = Math.max(0, Math.ceil((status.retryAt - now) / 1000));
  return `${problem.message}${fix} (${status.state === "failed" ? "trying again" : "retrying"} in ${seconds} s)`;
}

export function accountView(account: AccountName, status: AccountStatus, now = Date.now()): AccountView {
  const p = status.problem;
  return {
    state: status.state,
    problem: p && status.state !== "online" ? { key: KEYS[account][p.kind], message: words(p, status, now) } : null,
    retryAt: status.retryAt === undefined ? null : new Date(status.retryAt).toISOString(),
  };
}

/** One line per change of state or problem: warn while something is wrong, info when the account is up. */
export function logAccountChanges(client: Pick<CusaxClient, "accounts">, log: Logger): () => void {
  const last: Partial<Record<AccountName, string>> = {};
  return client.accounts.events.on("change", ({ account, status }) => {
    const view = accountView(account, status);
    const key = `${view.state} ${view.problem?.key ?? ""} ${status.problem?.message ?? ""}`;
    const fields = { state: view.state, ...(view.problem ? { problem: `${view.problem.key}: ${view.problem.message}` } : {}), ...(view.retryAt ? { retryAt: view.retryAt } : {}) };
    if (last[account] === key) return log.debug(`${account} account`, fields);
    last[account] = key;
    if (view.problem) log.warn(`${account} account ${view.state}`, fields);
    else log.info(`${account} account ${view.state}`, fields);
  });
}
