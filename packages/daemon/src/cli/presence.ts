// `cusax presence SHOW [TEXT...]`: our own presence (RFC 6121 §4.7.2):
// available, away, dnd or xa, with an optional status text (PUT /presence).
import { apiCommand, CommandFailure, EXIT } from "./kit.js";

const SHOWS = ["available", "away", "dnd", "xa"];

export const presenceCommand = apiCommand({
  name: "presence",
  summary: "set our presence: available, away, dnd or xa, with an optional status text",
  usage: ["presence SHOW [TEXT...] [--json]", "", "SHOW is available, away, dnd (do not disturb) or xa (away for long). During a call others see \"On the phone\"; this comes back after."],
  arity: { min: 1, max: Infinity },
  async run({ api, parsed }) {
    const [show, ...words] = parsed.positionals;
    if (!SHOWS.includes(show!)) throw new CommandFailure(`SHOW: expected one of ${SHOWS.join(", ")}, got "${show}"`, EXIT.usage);
    const r = (await api.request("PUT", "/presence", { show, status: words.join(" ") })) as { presence: { show: string; status: string } };
    return { json: r, text: `presence: ${r.presence.show}${r.presence.status ? ` (${r.presence.status})` : ""}` };
  },
});
