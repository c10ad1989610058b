// RFC 6121 §4.7.2.1 <show/> and §4.7.2.2 <status/>: the presence the user
// chose (PUT /presence), kept in the store's settings so it survives a
// restart. "available" is no <show/>. While a call is up the presence bridge
// shows "On the phone" instead and restores this one afterwards (protocol.md §3).
import type { CusaxClient } from "@cusax/core";
import { ApiError } from "../api/errors.js";
import type { SettingsStore } from "./pending-subscriptions.js";

export const OWN_PRESENCE_KEY = "daemon.own-presence";
export const SHOWS = ["available", "away", "dnd", "xa"] as const;
export type ShowChoice = (typeof SHOWS)[number];
export type PresenceChoice = { show: ShowChoice; status: string };

const MAX_STATUS_CHARS = 1024;

export function parsePresenceChoice(body: Record<string, unknown>): PresenceChoice {
  const show = body.show;
  if (typeof show !== "string" || !(SHOWS as readonly string[]).includes(show)) throw new ApiError("bad-request", `show: expected one of ${SHOWS.join(", ")}`);
  const status = body.status ?? "";
  if (typeof status !== "string") throw new ApiError("bad-request", "status: expected a string");
  if (status.length > MAX_STATUS_CHARS) throw new ApiError("bad-request", `status: at most ${MAX_STATUS_CHARS} characters`);
  return { show: show as ShowChoice, status };
}

export class OwnPresence {
  private current: PresenceChoice = { show: "available", status: "" };
  /** Whether a choice was made (now or before a restart). */
  saved = false;

  constructor(private readonly store: SettingsStore) {
    try {
      const saved = JSON.parse(store.getSetting(OWN_PRESENCE_KEY) ?? "null") as Record<string, unknown> | null;
      if (saved) {
        this.current = parsePresenceChoice(saved);
        this.saved = true;
      }
    } catch {
      // A damaged setting: back to available.
    }
  }

  get(): PresenceChoice {
    return { ...this.current };
  }

  /** Remembers the choice and sends it (unless a call is up: then after the call). */
  async set(client: Pick<CusaxClient, "setPresence">, choice: PresenceChoice): Promise<PresenceChoice> {
    this.current = { ...choice };
    this.saved = true;
    this.store.putSetting(OWN_PRESENCE_KEY, JSON.stringify(this.current));
    await this.apply(client);
    return this.get();
  }

  /** Sends the remembered choice (at start, after the accounts are up). */
  async apply(client: Pick<CusaxClient, "setPresence">): Promise<void> {
    const { show, status } = this.current;
    await client.setPresence({ ...(show !== "available" ? { show } : {}), ...(status ? { status } : {}) });
  }
}
