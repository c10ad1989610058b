// The top bar: who we are, our own presence (available/away/DND + status
// text), notifications, settings, the dial pad, and the connection state.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { OwnPresence, Show } from "../api/types.js";
import { errorText, type Actions } from "../app/actions.js";
import { connectionBanner } from "../state/connection.js";
import type { AppState } from "../state/store.js";
import { askNotifications, notificationsState } from "../util/notify.js";
import { Icon } from "./icons.js";

const SHOWS: { show: Show; label: string }[] = [
  { show: "available", label: "Available" },
  { show: "away", label: "Away" },
  { show: "xa", label: "Away for long" },
  { show: "dnd", label: "Do not disturb" },
];

export function TopBar(p: { s: AppState; actions: Actions; onDial(): void; onSettings(): void; toast(t: string): void }): JSX.Element {
  const [notify, setNotify] = useState(notificationsState());
  const self = p.s.status?.self;
  const banner = connectionBanner(p.s.connection);
  const sip = p.s.status?.sip.registration;
  const xmpp = p.s.status?.xmpp.state;
  return (
    <header class="topbar">
      <span class="brand" aria-label="cusax">cusax</span>
      <span class="self" title={self ? `${self.jid} · ${self.aor}` : undefined}>{self?.jid ?? p.s.status?.xmpp.jid?.split("/")[0] ?? ""}</span>
      <span class={`accounts ${sip === "registered" && xmpp === "online" ? "ok" : "warn"}`} aria-label={`Phone ${sip ?? "unknown"}, chat ${xmpp ?? "unknown"}`}>
        Phone: {sip ?? "…"} · Chat: {xmpp ?? "…"}
      </span>
      <PresencePicker presence={p.s.presence} onSet={(pr) => void p.actions.setPresence(pr).catch((e) => p.toast(`Presence not set: ${errorText(e)}`))} />
      {notify === "default" && (
        <button type="button" class="icon-button" aria-label="Enable notifications" title="Notify me of messages and calls while this tab is hidden"
          onClick={() => void askNotifications().then((r) => setNotify(r as ReturnType<typeof notificationsState>))}><Icon name="bell" /></button>
      )}
      <button type="button" class="icon-button" aria-label="Settings" title="Settings: where call audio plays" onClick={p.onSettings}><Icon name="gear" /></button>
      <button type="button" class="button dial-open" aria-label="Open the dial pad" onClick={p.onDial}><Icon name="keypad" /> Dial</button>
      {banner && <div class={`conn-banner conn-${p.s.connection.state}`} role="status">{banner}</div>}
    </header>
  );
}

function PresencePicker(p: { presence: OwnPresence; onSet(p: OwnPresence): void }): JSX.Element {
  const [status, setStatus] = useState(p.presence.status ?? "");
  useEffect(() => setStatus(p.presence.status ?? ""), [p.presence.status]);
  const set = (show: Show) => p.onSet({ show, ...(status.trim() ? { status: status.trim() } : {}) });
  return (
    <form class="presence" onSubmit={(e) => { e.preventDefault(); set(p.presence.show); }}>
      <span class={`dot dot-${p.presence.show === "xa" ? "away" : p.presence.show}`} aria-hidden="true" />
      <select aria-label="My presence" value={p.presence.show} onChange={(e) => set(e.currentTarget.value as Show)}>
        {SHOWS.map((o) => <option key={o.show} value={o.show}>{o.label}</option>)}
      </select>
      <input type="text" class="status-text" value={status} placeholder="Status message" aria-label="My status message" maxLength={200} onInput={(e) => setStatus(e.currentTarget.value)} />
    </form>
  );
}
