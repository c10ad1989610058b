// Which call a call command means: the one named by --call, else the only
// current call that fits; several are refused with their ids.
import { CommandFailure } from "./kit.js";

export type CallEntry = { id: string; direction: string; state: string; remote: string; hold: { local: boolean; remote: boolean }; recording: string };

export function pickCall(calls: CallEntry[], id: string | undefined, fits: (c: CallEntry) => boolean, what: string): CallEntry {
  if (id !== undefined) {
    const named = calls.find((c) => c.id === id);
    if (!named) throw new CommandFailure(`no current call with id ${id}`);
    return named;
  }
  const candidates = calls.filter(fits);
  if (candidates.length === 0) throw new CommandFailure(`there is no ${what}`);
  if (candidates.length > 1) throw new CommandFailure(`there are ${candidates.length} of them; say which with --call ID:\n${candidates.map((c) => `  ${c.id}  ${c.direction} ${c.remote} (${c.state})`).join("\n")}`);
  return candidates[0]!;
}

export async function currentCalls(api: { request(m: "GET", p: string): Promise<unknown> }): Promise<CallEntry[]> {
  return ((await api.request("GET", "/calls")) as { calls: CallEntry[] }).calls;
}

export const isLive = (c: CallEntry) => c.state !== "ended" && c.state !== "ending";
