// The shape shared by answer, hangup, hold, resume and dtmf: pick a call,
// POST /calls/:id/<action>, show the call's new state.
import { apiCommand } from "./kit.js";
import { currentCalls, pickCall, type CallEntry } from "./pick-call.js";
import type { Command } from "./main.js";

export type CallApi = { request(m: "GET", p: string): Promise<unknown> };

export function callAction(o: {
  name: string;
  summary: string;
  fits: (c: CallEntry) => boolean;
  what: string;
  /** The body to send, from the positionals (dtmf's digits). */
  body?: (positionals: string[]) => Record<string, unknown>;
  arity?: { min: number; max: number };
  synopsis?: string;
  /** The API answer's boolean that says it worked (answered, held, resumed). */
  success?: string;
  /** The outcome in words, once it is known (answer: answered; hangup: ended, waiting for the call to go). */
  outcome?: (api: CallApi, call: CallEntry, answer: Record<string, unknown> & { call?: CallEntry }) => Promise<string>;
}): Command {
  return apiCommand({
    name: o.name,
    summary: o.summary,
    usage: [o.synopsis ?? `${o.name} [--call ID] [--json]`, "", `Without --call: the ${o.what}, when there is exactly one.`],
    options: { call: { type: "string" } },
    arity: o.arity ?? { min: 0, max: 0 },
    async run({ api, parsed }) {
      const call = pickCall(await currentCalls(api), parsed.flags.call as string | undefined, o.fits, o.what);
      const r = (await api.request("POST", `/calls/${encodeURIComponent(call.id)}/${o.name}`, o.body?.(parsed.positionals) ?? {})) as Record<string, unknown> & { call?: CallEntry };
      // Refused by the peer or the call's state: an outcome (docs/api.md), shown with its reason; --json prints the answer.
      if (o.success && r[o.success] === false) return { json: r, text: `${o.name}: refused on call ${call.id} with ${call.remote}${typeof r.reason === "string" ? `: ${r.reason}` : ""}`, exit: 1 };
      if (o.outcome) return { json: r, text: await o.outcome(api, call, r) };
      return { json: r, text: `${o.name}: call ${call.id} with ${call.remote}${r.call ? ` is ${r.call.state}` : ""}` };
    },
  });
}
