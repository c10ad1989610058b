// What linphonec 5.1 tells: its console lines (the messages of linphonec's call-state callback, as
// printed in its tmux pane) parsed into typed events, and facts read from its log (-d 5): the account's
// registration state, a call's media encryption and the STUN keep-alives mediastreamer2 sends to the peer's
// RTP and RTCP ports.
import { closeSync, openSync, readSync } from "node:fs";

export type LinphoneEventType =
  | "incoming" | "calling" | "progress" | "ringing" | "early-media" | "connected" | "media"
  | "pausing" | "paused" | "paused-by-remote" | "resuming" | "ended" | "error" | "line";

/** One console line; call/uri/detail where the line names them. seq is its index in the console. */
export type LinphoneEvent = { type: LinphoneEventType; seq: number; line: string; call?: number; uri?: string; detail?: string };

export type LogFacts = {
  /** The last LinphoneRegistration* state the log reported for the account. */
  registration: string;
  /** Each "Negotiated media encryption is LinphoneMediaEncryption*" in order (None, SRTP, ...: one or more per call). */
  encryptions: string[];
  stun: { rtp: number; rtcp: number };
};

// The printf formats of linphonec's callbacks, as regular expressions; groups name call id, uri, detail.
const PATTERNS: [LinphoneEventType, RegExp, ("call" | "uri" | "detail")[]][] = [
  ["incoming", /^Receiving new incoming call from (\S+), assigned id (\d+)$/, ["uri", "call"]],
  ["calling", /^Establishing call id to (\S+), assigned id (\d+)$/, ["uri", "call"]],
  ["progress", /^Call (\d+) to (\S+) in progress\.$/, ["call", "uri"]],
  ["ringing", /^Call (\d+) to (\S+) ringing\.$/, ["call", "uri"]],
  ["early-media", /^Call (\d+) with (\S+) early media\.$/, ["call", "uri"]],
  ["connected", /^Call (\d+) with (\S+) connected\.$/, ["call", "uri"]],
  ["media", /^Media streams established with (\S+) for call (\d+) \((.*)\)\.$/, ["uri", "call", "detail"]],
  ["pausing", /^Pausing call (\d+) with (\S+)\.$/, ["call", "uri"]],
  ["paused", /^Call (\d+) with (\S+) is now paused\.$/, ["call", "uri"]],
  ["paused-by-remote", /^Call (\d+) has been paused by (\S+)\.$/, ["call", "uri"]],
  ["resuming", /^Resuming call (\d+) with (\S+)\.$/, ["call", "uri"]],
  ["ended", /^Call (\d+) with (\S+) ended \((.*)\)\.$/, ["call", "uri", "detail"]],
  ["error", /^Call (\d+) with (\S+) error\.$/, ["call", "uri"]],
];

const PROMPT = "linphonec> ";

/** Terminal control out of a pane's raw output (CSI and OSC sequences, carriage returns) and the prompt. */
export function cleanConsoleLine(raw: string): string {
  // eslint-disable-next-line no-control-regex
  let s = raw.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/\x1b\][^\x07]*\x07/g, "").replace(/\x1b[=>]/g, "").replace(/\r/g, "");
  while (s.startsWith(PROMPT)) s = s.slice(PROMPT.length);
  return s.trim();
}

export function parseConsoleLine(raw: string, seq: number): LinphoneEvent | undefined {
  const line = cleanConsoleLine(raw);
  if (line === "" || line === "linphonec>") return undefined;
  for (const [type, re, groups] of PATTERNS) {
    const m = re.exec(line);
    if (!m) continue;
    const e: LinphoneEvent = { type, seq, line };
    groups.forEach((g, i) => {
      const v = m[i + 1]!;
      if (g === "call") e.call = Number(v);
      else e[g] = v;
    });
    return e;
  }
  return { type: "line", seq, line };
}

export function parseLogLine(line: string, facts: LogFacts): void {
  const reg = / moving from state \[LinphoneRegistration\w+\] to \[(LinphoneRegistration\w+)\]/.exec(line);
  if (reg) facts.registration = reg[1]!;
  const enc = /Negotiated media encryption is (LinphoneMediaEncryption\w+)/.exec(line);
  if (enc) facts.encryptions.push(enc[1]!);
  const stun = /Stun packet of length \d+ sent on (rtp|rtcp) /.exec(line);
  if (stun) facts.stun[stun[1] as "rtp" | "rtcp"]++;
}

/** Complete lines appended to a file since the last read (the file may not exist yet). */
export class FileLines {
  private offset = 0;
  private partial = "";
  constructor(private readonly file: string) {}

  read(): string[] {
    let fd: number;
    try {
      fd = openSync(this.file, "r");
    } catch {
      return [];
    }
    try {
      const chunk = Buffer.alloc(256 * 1024);
      let text = "";
      for (let n = readSync(fd, chunk, 0, chunk.length, this.offset); n > 0; n = readSync(fd, chunk, 0, chunk.length, this.offset)) {
        this.offset += n;
        text += chunk.toString("latin1", 0, n);
      }
      const lines = (this.partial + text).split("\n");
      this.partial = lines.pop() ?? "";
      return lines;
    } finally {
      closeSync(fd);
    }
  }
}
