// Reads Kamailio's sipdump files into records: what arrived (rcv) and what
// left (snd), with addresses and the raw SIP text.

export type WireRecord = {
  tag: "rcv" | "snd";
  proto: string;
  src: string;
  dst: string;
  text: string;
};

export function parseSipdump(dump: string): WireRecord[] {
  const out: WireRecord[] = [];
  for (const block of dump.split("====================\n")) {
    const sep = block.indexOf("~~~~~~~~~~~~~~~~~~~~\n");
    if (sep < 0) continue;
    const meta = Object.fromEntries(
      block
        .slice(0, sep)
        .split("\n")
        .map((l) => l.split(/: (.*)/s).slice(0, 2) as [string, string])
        .filter((kv) => kv[1] !== undefined),
    );
    const end = block.lastIndexOf("||||||||||||||||||||");
    const text = block.slice(sep + 21, end < 0 ? undefined : end).replace(/\r?\n$/, "");
    out.push({
      tag: meta.tag === "snd" ? "snd" : "rcv",
      proto: meta.proto ?? "",
      src: `${meta.srcip}:${meta.srcport}`,
      dst: `${meta.dstip}:${meta.dstport}`,
      text,
    });
  }
  return out;
}

/** The first line of each record: "INVITE sip:..." or "SIP/2.0 200 OK". */
export function startLines(records: WireRecord[]): string[] {
  return records.map((r) => r.text.split(/\r?\n/, 1)[0] ?? "");
}
