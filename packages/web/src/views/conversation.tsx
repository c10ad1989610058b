// One contact's window: header (presence, SIP state, audio/video call buttons
// with reasons, links, rename/remove), search, the timeline, "typing…", and
// the composer. Calling someone on the phone offers "tell me when free" and
// "leave a message instead" (UC-d).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { ContactView } from "../api/types.js";
import type { Actions } from "../app/actions.js";
import { conversationFor, errorText } from "../app/actions.js";
import { contactKey, displayName } from "../state/address.js";
import { activeCalls } from "../state/calls.js";
import { callability, initial, mediaOf, presenceDot, statusLine } from "../state/contacts.js";
import type { Drafts } from "../state/drafts.js";
import { timelineOf, type AppState } from "../state/store.js";
import { isTyping } from "../state/typing.js";
import { Composer } from "./composer.js";
import { Icon } from "./icons.js";
import { SearchBox } from "./search.js";
import { TimelineView } from "./timeline-view.js";

export type ConversationProps = {
  s: AppState;
  c: ContactView;
  now: number;
  actions: Actions;
  drafts: Drafts;
  onBack(): void;
  onLinks(): void;
  onManage(): void;
  toast(text: string): void;
};

export function Conversation(p: ConversationProps): JSX.Element {
  const { s, c, actions } = p;
  const key = contactKey(c);
  const [busyAsk, setBusyAsk] = useState<false | { video: boolean }>(false);
  const [highlight, setHighlight] = useState<number | undefined>(undefined);
  const live = activeCalls(s.calls).filter((x) => x.contactKey === key && x.call.state === "established");
  const inCall = live.some((x) => x.conversationId !== undefined);
  const call = async (video: boolean) => {
    setBusyAsk(false);
    try {
      await actions.call(c.jids[0] ?? c.sip[0] ?? c.tel[0] ?? key, video);
    } catch (e) {
      p.toast(`Call failed: ${errorText(e)}`);
    }
  };
  const send = (text: string) => void actions.send(key, text);
  const conv = () => conversationFor(p.s, key);
  return (
    <section class="chat" aria-label={`Conversation with ${displayName(c)}`}>
      <header class="chat-head">
        <button type="button" class="icon-button back" aria-label="Back to contacts" onClick={p.onBack}><Icon name="back" /></button>
        <span class="avatar" aria-hidden="true">{initial(c)}<span class={`dot dot-${presenceDot(c)}`} /></span>
        <div class="chat-title">
          <h1>{displayName(c)}</h1>
          <span class="chat-sub" data-presence={presenceDot(c)}>{statusLine(c)}</span>
        </div>
        <CallButtons c={c} onCall={(video) => (callability(c).busy ? setBusyAsk({ video }) : void call(video))} />
        <button type="button" class="icon-button" aria-label="Links: addresses of this contact" title="Links" onClick={p.onLinks}><Icon name="link" /></button>
        <button type="button" class="icon-button" aria-label="Rename or remove contact" title="Contact" onClick={p.onManage}><Icon name="more" /></button>
      </header>
      {busyAsk && (
        <BusyOffer c={c} watching={s.watches[key] !== undefined}
          onCallAnyway={() => void call(busyAsk.video)}
          onWatch={(dial) => { actions.watch(key, dial); setBusyAsk(false); p.toast(`We will tell you when ${displayName(c)} is free${dial ? ", then dial" : ""}.`); }}
          onMessage={() => { setBusyAsk(false); document.querySelector<HTMLTextAreaElement>(".composer textarea")?.focus(); }}
          onClose={() => setBusyAsk(false)} />
      )}
      <SearchBox placeholder={`Search messages with ${displayName(c)}`} search={(q) => actions.searchContact(key, q).then((r) => r.matches ?? [])}
        onPick={(m) => setHighlight(m.id)} />
      <TimelineView t={timelineOf(s, key)} now={p.now} highlight={highlight}
        live={live.map((x) => ({ ...(x.conversationId !== undefined ? { conversationId: x.conversationId } : {}), since: x.establishedAt ?? x.since }))}
        onOlder={() => void actions.older(key).catch((e) => p.toast(errorText(e)))}
        onRetry={(id) => void actions.retry(id)} onDiscard={(id) => actions.discard(key, id)} />
      <div class="typing-line" aria-live="polite">{isTyping(s.typing, key, p.now) ? `${displayName(c)} is typing…` : ""}</div>
      <Composer draftKey={key} initial={p.drafts.get(key)} inCall={inCall} onDraft={(t) => p.drafts.set(key, t)} onSend={send}
        onChatState={(st) => { const id = conv(); if (id !== undefined) void actions.chatState(id, st); }} />
    </section>
  );
}

function CallButtons({ c, onCall }: { c: ContactView; onCall(video: boolean): void }): JSX.Element {
  const can = callability(c);
  const media = mediaOf(c);
  const why = can.reason;
  const videoWhy = why ?? (media.video ? undefined : `${displayName(c)}'s client does not announce video`);
  return (
    <span class="call-buttons">
      <button type="button" class="icon-button call" aria-label={why ? `Audio call (unavailable: ${why})` : "Audio call"} title={why ?? (can.busy ? "On the phone: call anyway or wait" : "Audio call")}
        disabled={!can.ok} onClick={() => onCall(false)}><Icon name="phone" /></button>
      <button type="button" class="icon-button call" aria-label={videoWhy ? `Video call (unavailable: ${videoWhy})` : "Video call"} title={videoWhy ?? "Video call"}
        disabled={!can.ok || !media.video} onClick={() => onCall(true)}><Icon name="video" /></button>
      {why && <span class="sr-only">{why}</span>}
    </span>
  );
}

function BusyOffer(p: { c: ContactView; watching: boolean; onCallAnyway(): void; onWatch(dial: boolean): void; onMessage(): void; onClose(): void }): JSX.Element {
  const [dial, setDial] = useState(false);
  return (
    <div class="busy-offer" role="dialog" aria-label={`${displayName(p.c)} is on the phone`} onKeyDown={(e) => e.key === "Escape" && p.onClose()}>
      <p><b>{displayName(p.c)} is on the phone.</b></p>
      <div class="row">
        <button type="button" class="button primary" onClick={() => p.onWatch(dial)} disabled={p.watching}>{p.watching ? "Waiting for them" : "Tell me when free"}</button>
        <label class="check"><input type="checkbox" checked={dial} onChange={(e) => setDial(e.currentTarget.checked)} /> dial then</label>
      </div>
      <div class="row">
        <button type="button" class="button" onClick={p.onMessage}>Leave a message instead</button>
        <button type="button" class="button ghost" onClick={p.onCallAnyway}>Call anyway</button>
        <button type="button" class="button ghost" onClick={p.onClose}>Cancel</button>
      </div>
    </div>
  );
}
