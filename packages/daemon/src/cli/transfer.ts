// `cusax transfer TARGET [--call ID]`: RFC 3515 blind transfer of the established call (POST
// /calls/:id/transfer): the peer is asked to call TARGET; says whether the peer accepted.
import { apiCommand, CommandFailure, EXIT } from "./kit.js";
import { currentCalls, pickCall } from "./pick-call.js";

type TransferAnswer = { transfer?: { accepted: boolean; status?: number } };

export const transferCommand = apiCommand({
  name: "transfer",
  summary: "transfer the current call to a SIP address (blind transfer)",
  usage: ["transfer TARGET [--call ID] [--json]", "", "TARGET is a sip:, sips: or tel: URI. Without --call: the established call, when there is exactly one."],
  options: { call: { type: "string" } },
  arity: { min: 1, max: 1 },
  async run({ api, parsed }) {
    const target = parsed.positionals[0]!;
    if (!/^(sips?|tel):\S+$/i.test(target)) throw new CommandFailure(`transfer: TARGET must be a sip:, sips: or tel: URI, got "${target}"`, EXIT.usage);
    const call = pickCall(await currentCalls(api), parsed.flags.call as string | undefined, (c) => c.state === "established", "established call");
    const r = (await api.request("POST", `/calls/${encodeURIComponent(call.id)}/transfer`, { target })) as TransferAnswer;
    const t = r.transfer;
    if (!t?.accepted) throw new CommandFailure(`transfer: ${call.remote} did not take the transfer to ${target}${t?.status ? ` (${t.status})` : ""}`);
    return { json: r, text: `transfer: ${call.remote} accepted the transfer to ${target}; call ${call.id} ends` };
  },
});
