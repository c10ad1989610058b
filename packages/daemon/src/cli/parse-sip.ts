// `cusax parse-sip FILE|-`: inspect a SIP message with cusax's own parser
// (RFC 3261 §7); prints the start line and headers, or the parse error with
// the status a UA would answer.
import type { Command } from "./main.js";

export const parseSipCommand: Command = {
  name: "parse-sip",
  summary: "parse a SIP message (file or - for stdin) and print it, or why it is invalid",
  usage: [
    "usage: cusax parse-sip FILE|- [--json]",
    "",
    "Parses one SIP message (one datagram's worth) with cusax's parser.",
    "Exit status: 0 valid, 1 invalid (the reason and the status we would answer are printed), 2 usage.",
  ].join("\n"),
  async run(args, io) {
    const json = args.includes("--json");
    const files = args.filter((a) => a !== "--json");
    if (files.length !== 1) {
      io.err(`${this.usage}\n`);
      return 2;
    }
    let data: Uint8Array;
    try {
      data = await io.readInput(files[0]!);
    } catch (err) {
      io.err(`cusax parse-sip: cannot read ${files[0]}: ${(err as Error).message}\n`);
      return 1;
    }
    // Loaded here so that the other commands do not load the whole library.
    const { parseSipMessage, serializeUri, SipParseError } = await import("@cusax/core");
    try {
      const msg = parseSipMessage(data);
      const start = msg.kind === "request" ? `${msg.method} ${typeof msg.uri === "string" ? msg.uri : serializeUri(msg.uri)}` : `${msg.status} ${msg.reason}`;
      const headers = [...msg.headers].map((h) => ({ name: h.name, value: h.value }));
      if (json) io.out(JSON.stringify({ valid: true, kind: msg.kind, start, headers, bodyBytes: msg.body.length }) + "\n");
      else io.out([`${msg.kind}: ${start}`, ...headers.map((h) => `${h.name}: ${h.value}`), `(${msg.body.length} body bytes)`].join("\n") + "\n");
      return 0;
    } catch (err) {
      if (!(err instanceof SipParseError)) throw err;
      if (json) io.out(JSON.stringify({ valid: false, status: err.status, reason: err.message, offset: err.offset }) + "\n");
      else io.err(`invalid SIP message (we would answer ${err.status}): ${err.message} at offset ${err.offset}\n`);
      return 1;
    }
  },
};
