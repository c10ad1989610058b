// The window: top bar, contact list and one conversation (two screens on a
// phone, side by side when wide), calls on top, dialogs, and the signed-out
// screen. Composition root of the web app.
import type { JSX } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { createApi } from "../api/client.js";
import { createMediaLeg } from "../media/browser-env.js";
import { contactKey, displayName } from "../state/address.js";
import { activeCalls, ringingCalls } from "../state/calls.js";
import { Drafts } from "../state/drafts.js";
import { CallBar, IncomingBanner } from "../views/calls.js";
import { ContactList } from "../views/contact-list.js";
import { Conversation } from "../views/conversation.js";
import { AddContactDialog, DialDialog, LinksDialog, ManageDialog } from "../views/dialogs.js";
import { SettingsDialog } from "../views/settings.js";
import { SearchDialog, SignedOut, Toasts } from "../views/screens.js";
import { TopBar } from "../views/topbar.js";
import { createActions, errorText } from "./actions.js";
import { useMediaLegs, useNotices, useReadMarks, useRing, useStatsPolling, useVisibility } from "./effects.js";
import { Session } from "./session.js";
import { useNow, useStore } from "./use-store.js";

type Open = "dial" | "add" | "links" | "manage" | "search" | "settings" | null;

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export function App(): JSX.Element {
  const { s, dispatch, get } = useStore();
  const now = useNow();
  const [dialog, setDialog] = useState<Open>(null);
  const [filter, setFilter] = useState("");
  const [toasts, setToasts] = useState<{ id: number; text: string }[]>([]);
  const toast = (text: string) => {
    const id = Date.now() + Math.random();
    setToasts((t) => [...t.slice(-3), { id, text }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 6000);
  };
  const { actions, media, drafts, session } = useMemo(() => {
    const api = createApi();
    const drafts = new Drafts(storage());
    const media = createMediaLeg(api, storage());
    const session = new Session(api, dispatch, get);
    return { actions: createActions({ api, dispatch, state: get, drafts, session, media }), media, drafts, session };
  }, []);
  useEffect(() => {
    actions.restoreOutbox();
    session.start();
    return () => session.stop();
  }, []);
  useNotices(s, dispatch, actions, toast);
  useReadMarks(s, actions);
  useRing(s);
  useStatsPolling(s, actions);
  useVisibility(dispatch);
  useMediaLegs(s, media);

  if (s.connection.state === "signed-out") return <SignedOut />;
  const selected = s.contacts.find((c) => contactKey(c) === s.selected);
  const ringing = ringingCalls(s.calls);
  const active = activeCalls(s.calls);
  const open = (key: string) => void actions.open(key).catch((e) => toast(errorText(e)));
  return (
    <div class={`app ${selected ? "show-chat" : "show-list"}`} onKeyDown={(e) => e.key === "Escape" && !dialog && selected && window.matchMedia("(max-width: 719px)").matches && void actions.open(null)}>
      <TopBar s={s} actions={actions} onDial={() => setDialog("dial")} onSettings={() => setDialog("settings")} toast={toast} />
      <div class="calls-area">
        {ringing.map((e) => <IncomingBanner key={e.call.id} e={e} contacts={s.contacts} actions={actions} toast={toast} />)}
        {active.map((e) => <CallBar key={e.call.id} e={e} contacts={s.contacts} now={now} actions={actions} media={media} toast={toast} onOpen={open} />)}
      </div>
      <main class="panes">
        <ContactList s={s} now={now} filter={filter} onFilter={setFilter} onOpen={open} onAdd={() => setDialog("add")} onSearch={() => setDialog("search")}
          onApprove={(j) => void actions.approve(j).catch((e) => toast(errorText(e)))} onDeny={(j) => void actions.deny(j).catch((e) => toast(errorText(e)))} />
        {selected
          ? <Conversation key={s.selected} s={s} c={selected} now={now} actions={actions} drafts={drafts} toast={toast}
              onBack={() => void actions.open(null)} onLinks={() => setDialog("links")} onManage={() => setDialog("manage")} />
          : <section class="chat empty-chat" aria-label="No conversation open"><p>{s.contacts.length ? "Pick a contact to chat or call." : "Add a contact to start."}</p></section>}
      </main>
      {dialog === "dial" && <DialDialog onClose={() => setDialog(null)} actions={actions} contacts={s.contacts} />}
      {dialog === "settings" && <SettingsDialog onClose={() => setDialog(null)} media={media} />}
      {dialog === "add" && <AddContactDialog onClose={() => setDialog(null)} actions={actions} />}
      {dialog === "links" && selected && <LinksDialog onClose={() => setDialog(null)} actions={actions} c={selected} />}
      {dialog === "manage" && selected && <ManageDialog onClose={() => setDialog(null)} actions={actions} c={selected} />}
      {dialog === "search" && <SearchDialog onClose={() => setDialog(null)} actions={actions} contacts={s.contacts}
        onPick={(key) => { setDialog(null); open(key); }} label={(id) => { const c = s.contacts.find((x) => x.id === id); return c ? displayName(c) : ""; }} />}
      <Toasts toasts={toasts} />
    </div>
  );
}
