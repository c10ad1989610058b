// What the user does, as API calls (docs/api.md + the web-app contract), with
// their answers fed back into the window's state. Failures come back as
// readable text for the view; a failed send stays in the outbox with retry.
import { ApiError, query, seg, type Api } from "../api/client.js";
import type { CallStats, CallView, ChatState, HistoryPage, LinkView, Message, OwnPresence, SearchAnswer } from "../api/types.js";
import type { MediaLeg, Prepared } from "../media/media-leg.js";
import { contactKey } from "../state/address.js";
import type { Drafts, OutboxItem } from "../state/drafts.js";
import { timelineOf, type Action, type AppState } from "../state/store.js";
import type { Session } from "./session.js";

export type Actions = ReturnType<typeof createActions>;

export const errorText = (e: unknown): string => (e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e));

type Deps = { api: Api; dispatch: (a: Action) => void; state: () => AppState; drafts: Drafts; session: Session; media: MediaLeg };

/** The conversation a message to this contact goes to: the call's while a call with them is up (UC-e). */
export function conversationFor(s: AppState, key: string): number | undefined {
  const call = Object.values(s.calls).find((c) => c.contactKey === key && c.conversationId !== undefined && c.call.state === "established");
  if (call) return call.conversationId;
  const items = timelineOf(s, key).items;
  for (let i = items.length - 1; i >= 0; i--) if (items[i]!.conversationId != null) return items[i]!.conversationId ?? undefined;
  const known = Object.entries(s.conversations).filter(([, k]) => k === key).map(([id]) => Number(id));
  return known.length ? Math.max(...known) : undefined;
}

async function attachOrNote(media: MediaLeg, callId: string, prep: Prepared, video: boolean): Promise<void> {
  if (prep.media === "browser") await media.attach(callId, video);
  else media.onDaemon(callId, prep.note);
}

export function createActions(d: Deps) {
  const { api, dispatch, state, drafts } = d;
  let localSeq = 0;

  async function deliver(item: OutboxItem): Promise<void> {
    dispatch({ type: "localSend", key: item.contactKey, message: { kind: "local", localId: item.localId, body: item.body, at: item.at, state: "pending", ...(item.conversationId !== undefined ? { conversationId: item.conversationId } : {}) } });
    drafts.keep(item);
    try {
      const body = item.conversationId !== undefined ? { conversationId: item.conversationId, text: item.body } : { to: item.to, text: item.body };
      const r = await api.post<{ conversationId: number; message: Message }>("/messages", body);
      drafts.drop(item.localId);
      dispatch({ type: "sent", key: item.contactKey, localId: item.localId, conversationId: r.conversationId, message: r.message });
    } catch (e) {
      dispatch({ type: "sendFailed", key: item.contactKey, localId: item.localId, error: errorText(e) });
    }
  }

  return {
    send(key: string, text: string): Promise<void> {
      const s = state();
      const c = s.contacts.find((x) => contactKey(x) === key);
      const to = c?.jids[0] ?? c?.sip[0] ?? c?.tel[0] ?? key;
      const conversationId = conversationFor(s, key);
      const item: OutboxItem = { localId: `l${Date.now()}-${++localSeq}`, contactKey: key, to, body: text, at: Date.now(), ...(conversationId !== undefined ? { conversationId } : {}) };
      return deliver(item);
    },
    retry(localId: string): Promise<void> {
      const item = drafts.outbox().find((o) => o.localId === localId);
      return item ? deliver(item) : Promise.resolve();
    },
    /** Failed sends from before a reload, shown again with retry. */
    restoreOutbox(): void {
      for (const o of drafts.outbox()) {
        dispatch({ type: "localSend", key: o.contactKey, message: { kind: "local", localId: o.localId, body: o.body, at: o.at, state: "failed", error: "not sent" } });
      }
    },
    discard(key: string, localId: string): void {
      drafts.drop(localId);
      dispatch({ type: "discardLocal", key, localId });
    },
    async open(key: string | null): Promise<void> {
      dispatch({ type: "select", key });
      if (key && timelineOf(state(), key).next === undefined) await d.session.firstPage(key).catch(() => undefined);
    },
    async older(key: string): Promise<void> {
      const next = timelineOf(state(), key).next;
      if (next) await d.session.olderPage(key, next);
    },
    async markRead(conversationId: number, upTo: number): Promise<void> {
      await api.post(`/conversations/${seg(conversationId)}/read`, { upTo });
    },
    async chatState(conversationId: number, chat: ChatState): Promise<void> {
      await api.post(`/conversations/${seg(conversationId)}/chat-state`, { state: chat }).catch(() => undefined);
    },
    /** Places a call; its audio in this page when the setting says so and the microphone opens (docs/api.md "Browser voice"). */
    async call(to: string, video = false): Promise<void> {
      const prep = await d.media.prepare();
      let r: { conversationId?: number; call: CallView };
      try {
        r = await api.post<{ conversationId?: number; call: CallView }>("/calls", { to, ...(video ? { video: true } : {}), ...(prep.media === "browser" ? { media: "browser" } : {}) });
      } catch (e) {
        d.media.cancel();
        throw e;
      }
      dispatch({ type: "placed", call: r.call, now: Date.now(), ...(r.conversationId !== undefined ? { conversationId: r.conversationId } : {}) });
      await attachOrNote(d.media, r.call.id, prep, video);
    },
    async answer(id: string): Promise<void> {
      const prep = await d.media.prepare();
      let r: { answered: boolean; call: CallView };
      try {
        r = await api.post<{ answered: boolean; call: CallView }>(`/calls/${seg(id)}/answer`, prep.media === "browser" ? { media: "browser" } : undefined);
      } catch (e) {
        d.media.cancel();
        throw e;
      }
      dispatch({ type: "placed", call: r.call, now: Date.now() });
      await attachOrNote(d.media, id, prep, state().calls[id]?.call.kind === "video");
    },
    /** "Continue here" / "take back": the call's audio moves to this page. */
    takeOver: (id: string) => d.media.takeOver(id, state().calls[id]?.call.kind === "video"),
    async reject(id: string): Promise<void> {
      const r = await api.post<{ call: CallView }>(`/calls/${seg(id)}/reject`);
      dispatch({ type: "placed", call: r.call, now: Date.now() });
    },
    async hangup(id: string): Promise<void> {
      const r = await api.post<{ call: CallView }>(`/calls/${seg(id)}/hangup`);
      d.media.release(id);
      dispatch({ type: "placed", call: r.call, now: Date.now() });
    },
    async hold(id: string, on: boolean): Promise<boolean> {
      const r = await api.post<{ held?: boolean; resumed?: boolean; call: CallView }>(`/calls/${seg(id)}/${on ? "hold" : "resume"}`);
      dispatch({ type: "placed", call: r.call, now: Date.now() });
      return (on ? r.held : r.resumed) === true;
    },
    /** A digit on the page's leg (its data channel) when it carries the call, else through the daemon. */
    async dtmf(id: string, digits: string): Promise<void> {
      if (digits.length === 1 && d.media.sendDigit(id, digits)) return;
      await api.post<{ sent: string }>(`/calls/${seg(id)}/dtmf`, { digits });
    },
    transfer: (id: string, target: string) => api.post(`/calls/${seg(id)}/transfer`, { target }),
    async stats(id: string): Promise<void> {
      const r = await api.get<{ stats: CallStats }>(`/calls/${seg(id)}/stats`);
      dispatch({ type: "stats", callId: id, stats: r.stats });
    },
    async addContact(jid: string, name?: string): Promise<void> {
      await api.post("/contacts", name ? { jid, name } : { jid });
      await d.session.contacts();
    },
    async approve(jid: string): Promise<void> {
      await api.post(`/subscriptions/${seg(jid)}/approve`);
      await d.session.contacts();
    },
    async deny(jid: string): Promise<void> {
      await api.post(`/subscriptions/${seg(jid)}/deny`);
      await d.session.contacts();
    },
    async rename(jid: string, name: string): Promise<void> {
      await api.patch(`/contacts/${seg(jid)}`, { name });
      await d.session.contacts();
    },
    async remove(jid: string): Promise<void> {
      await api.del(`/contacts/${seg(jid)}`);
      dispatch({ type: "select", key: null });
      await d.session.contacts();
    },
    async confirmLink(jid: string, sip: string): Promise<LinkView[]> {
      const r = await api.post<{ links: LinkView[] }>("/links", { jid, sip });
      await d.session.contacts();
      return r.links;
    },
    async setPresence(p: OwnPresence): Promise<void> {
      const r = await api.put<{ presence: OwnPresence }>("/presence", p);
      dispatch({ type: "ownPresence", presence: r.presence ?? p });
    },
    watch: (key: string, dial: boolean) => dispatch({ type: "watch", key, dial }),
    unwatch: (key: string) => dispatch({ type: "unwatch", key }),
    searchAll: (q: string) => api.get<SearchAnswer>(`/search${query({ q })}`),
    searchContact: (contact: string, q: string) => api.get<HistoryPage>(`/history${query({ contact, search: q, limit: 1 })}`),
  };
}
