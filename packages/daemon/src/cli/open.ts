// `cusax open`: asks the running daemon for a fresh one-time sign-in link for
// the web app (POST /login-codes) and prints it; open it in a browser.
import { apiCommand } from "./kit.js";

export const openCommand = apiCommand({
  name: "open",
  summary: "print a fresh one-time link that signs a browser in to the web app",
  usage: ["open [--json]", "", "The link works once, within 2 minutes; the browser then stays signed in until the daemon stops."],
  arity: { min: 0, max: 0 },
  async run({ api }) {
    const r = (await api.request("POST", "/login-codes")) as { url: string };
    return { json: r, text: r.url };
  },
});
