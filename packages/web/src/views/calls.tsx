// Calls: the incoming-call banner (answer / decline, ring tone) and the
// in-call bar (timer, mute, camera, hold/resume, DTMF keypad, blind
// transfer, hang-up, live statistics, where the audio is: call-media.tsx).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { ContactView, StreamStats } from "../api/types.js";
import type { Actions } from "../app/actions.js";
import { errorText } from "../app/actions.js";
import type { MediaLeg } from "../media/media-leg.js";
import { contactKey, displayName } from "../state/address.js";
import { callPhase, callTimer, type CallEntry } from "../state/calls.js";
import { MediaButtons, MediaLine } from "./call-media.js";
import { Icon } from "./icons.js";
import { Keypad } from "./keypad.js";

const who = (e: CallEntry, contacts: readonly ContactView[]): string => {
  const c = contacts.find((x) => contactKey(x) === e.contactKey);
  return c ? displayName(c) : e.call.remote.replace(/^sips?:/, "").split(";")[0]!;
};

export function IncomingBanner(p: { e: CallEntry; contacts: readonly ContactView[]; actions: Actions; toast(t: string): void }): JSX.Element {
  const name = who(p.e, p.contacts);
  const act = (f: () => Promise<unknown>) => () => void f().catch((err) => p.toast(errorText(err)));
  return (
    <div class="incoming" role="alertdialog" aria-label={`Incoming call from ${name}`} data-call={p.e.call.id}>
      <span class="avatar ringing" aria-hidden="true">{name.slice(0, 1).toUpperCase()}</span>
      <div class="incoming-text">
        <b>{name}</b>
        <span>Incoming {p.e.call.kind === "video" ? "video" : "audio"} call{p.e.conversationId !== undefined ? " · from your chat" : ""}</span>
      </div>
      <button type="button" class="button answer" aria-label={`Answer call from ${name}`} onClick={act(() => p.actions.answer(p.e.call.id))}><Icon name="phone" /> Answer</button>
      <button type="button" class="button decline" aria-label={`Decline call from ${name}`} onClick={act(() => p.actions.reject(p.e.call.id))}><Icon name="hangup" /> Decline</button>
    </div>
  );
}

export function CallBar(p: { e: CallEntry; contacts: readonly ContactView[]; now: number; actions: Actions; media: MediaLeg; toast(t: string): void; onOpen(key: string): void }): JSX.Element {
  const { e, actions } = p;
  const [pad, setPad] = useState(false);
  const [transfer, setTransfer] = useState<string | undefined>(undefined);
  const [sentDigits, setSentDigits] = useState("");
  const up = e.call.state === "established";
  const held = e.call.hold.local;
  const id = e.call.id;
  const act = (f: () => Promise<unknown>) => () => void f().catch((err) => p.toast(errorText(err)));
  const name = who(e, p.contacts);
  // The peer's digits: from the page's data channel while it carries the call, else the API's dtmf events.
  const digitsIn = p.media.view(id)?.digitsIn || e.dtmfIn;
  return (
    <div class={`callbar ${held ? "held" : ""}`} role="region" aria-label={`Call with ${name}`} data-call={id} data-state={e.call.state} data-hold={held ? "local" : e.call.hold.remote ? "remote" : "none"}>
      <div class="callbar-main">
        <button type="button" class="callbar-who" onClick={() => e.contactKey && p.onOpen(e.contactKey)} aria-label={`Open the conversation with ${name}`}>
          <b>{name}</b>
          <span class="callbar-phase">{callPhase(e)}</span>
          <span class="timer" aria-label="Call duration">{callTimer(e, p.now)}</span>
        </button>
        <div class="callbar-buttons">
          <MediaButtons e={e} media={p.media} act={act} onTakeOver={() => actions.takeOver(id)} />
          <button type="button" class="icon-button" disabled={!up} aria-pressed={held} aria-label={held ? "Resume" : "Hold"} title={held ? "Resume" : "Hold"}
            onClick={act(async () => { const ok = await actions.hold(id, !held); if (!ok) p.toast(held ? "The other side refused to resume" : "The other side refused the hold"); })}>
            <Icon name={held ? "play" : "pause"} />
          </button>
          <button type="button" class="icon-button" disabled={!up} aria-pressed={pad} aria-label="Keypad (DTMF)" title="Keypad" onClick={() => setPad(!pad)}><Icon name="keypad" /></button>
          <button type="button" class="icon-button" disabled={!up} aria-label="Transfer" title="Blind transfer" onClick={() => setTransfer(transfer === undefined ? "" : undefined)}><Icon name="transfer" /></button>
          <button type="button" class="icon-button hangup" aria-label="Hang up" title="Hang up" onClick={act(() => actions.hangup(id))}><Icon name="hangup" /></button>
        </div>
      </div>
      <MediaLine e={e} media={p.media} act={act} onTakeOver={() => actions.takeOver(id)} />
      {up && <StatsLine stats={e.stats?.streams} />}
      {digitsIn && <div class="dtmf-in">They pressed: <b>{digitsIn}</b></div>}
      {pad && (
        <div class="callbar-pad">
          <output class="dtmf-sent" aria-label="Digits sent">{sentDigits || "\u00a0"}</output>
          <Keypad label="Send digit" onKey={(k) => { setSentDigits((d) => (d + k).slice(-24)); void actions.dtmf(id, k).catch((err) => p.toast(errorText(err))); }} />
        </div>
      )}
      {transfer !== undefined && (
        <form class="transfer" onSubmit={(ev) => { ev.preventDefault(); if (transfer.trim()) act(async () => { await actions.transfer(id, transfer.trim()); p.toast(`Transferring to ${transfer.trim()}`); setTransfer(undefined); })(); }}>
          <input type="text" value={transfer} placeholder="sip:someone@example.com or number" aria-label="Transfer to" onInput={(ev) => setTransfer(ev.currentTarget.value)} />
          <button type="submit" class="button primary small">Transfer</button>
        </form>
      )}
    </div>
  );
}

function StatsLine({ stats }: { stats?: StreamStats[] }): JSX.Element {
  const a = stats?.find((s) => s.kind !== "video") ?? stats?.[0];
  if (!a) return <div class="stats muted">Statistics arrive once media flows…</div>;
  const loss = a.lossPercent ?? (a.fractionLost !== undefined ? a.fractionLost * 100 : undefined);
  return (
    <dl class="stats" aria-label="Call statistics">
      <div><dt>Codec</dt><dd>{a.codec ?? "?"}</dd></div>
      <div><dt>Loss</dt><dd>{loss !== undefined ? `${loss.toFixed(1)} %` : "?"}</dd></div>
      <div><dt>Jitter</dt><dd>{a.jitterMs !== undefined ? `${a.jitterMs.toFixed(1)} ms` : "?"}</dd></div>
      <div><dt>MOS</dt><dd>{a.mos !== undefined ? a.mos.toFixed(2) : "?"}</dd></div>
      <div><dt>Packets</dt><dd>{a.packetsReceived ?? 0} in / {a.packetsSent ?? 0} out</dd></div>
    </dl>
  );
}
