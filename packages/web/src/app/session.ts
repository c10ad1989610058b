// The page's life with the daemon: check the session, follow GET /events,
// refetch everything when the stream (re)opens, reconnect with back-off when
// it drops (the daemon restarted, the network went away), and stop at
// "signed out" when the daemon no longer knows our cookie.
import { ApiError, query, type Api } from "../api/client.js";
import { EventStream } from "../api/event-stream.js";
import type { CallView, ContactView, Conversation, HistoryPage, Status, SubscriptionRequest } from "../api/types.js";
import { backoffMs } from "../state/connection.js";
import type { Action, AppState } from "../state/store.js";

export const PAGE = 50;

export class Session {
  private readonly stream = new EventStream();
  private retry: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private attempt = 0;

  constructor(private readonly api: Api, private readonly dispatch: (a: Action) => void, private readonly state: () => AppState) {}

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.stream.close();
    if (this.retry) clearTimeout(this.retry);
  }

  private async connect(): Promise<void> {
    try {
      await this.api.get("/session");
    } catch (e) {
      this.failed(e);
      return;
    }
    this.stream.open({
      open: () => void this.refetch().then(() => {
        this.attempt = 0;
        this.dispatch({ type: "connection", state: "online" });
      }, (e) => this.failed(e)),
      event: (event) => {
        const endedWith = event.type === "call" && event.call.state === "ended" ? this.state().calls[event.call.id]?.contactKey : undefined;
        this.dispatch({ type: "event", event, now: Date.now() });
        if (event.type === "contact" && !event.removed && !event.contact) void this.contacts().catch(() => undefined);
        // The stored call's outcome and duration are final once it ended: fetch them.
        if (endedWith) void this.firstPage(endedWith).catch(() => undefined);
      },
      error: () => this.failed(new ApiError("network", "event stream closed", 0)),
      retrying: () => this.dispatch({ type: "connection", state: "reconnecting" }),
    });
  }

  private failed(e: unknown): void {
    this.stream.close();
    if (this.stopped) return;
    if (e instanceof ApiError && e.kind === "signed-out") {
      this.dispatch({ type: "connection", state: "signed-out" });
      return;
    }
    this.dispatch({ type: "connection", state: "reconnecting" });
    if (this.retry) clearTimeout(this.retry);
    this.attempt += 1;
    this.retry = setTimeout(() => void this.connect(), backoffMs(this.attempt));
  }

  /** Everything the window shows, fresh: after the first open and after every reconnect. */
  async refetch(): Promise<void> {
    const status = await this.api.get<Status>("/status");
    this.dispatch({ type: "status", status });
    await this.contacts();
    const { calls } = await this.api.get<{ calls: CallView[] }>("/calls");
    this.dispatch({ type: "callsList", calls, now: Date.now() });
    const selected = this.state().selected;
    if (selected) await this.firstPage(selected);
  }

  async contacts(): Promise<void> {
    const since = this.state().eventSeq;
    const r = await this.api.get<{ contacts: ContactView[]; subscriptionRequests?: string[] }>("/contacts");
    const subs = await this.api.get<{ requests: SubscriptionRequest[] }>("/subscriptions").catch(() => undefined);
    const requests = subs?.requests ?? (r.subscriptionRequests ?? []).map((jid) => ({ jid }));
    this.dispatch({ type: "contacts", contacts: r.contacts, requests, since });
    for (const c of r.contacts.slice(0, 40)) {
      const address = c.jids[0] ?? c.sip[0];
      if (!address) continue;
      const conv = await this.api.get<{ conversations: Conversation[] }>(`/conversations${query({ with: address })}`).catch(() => undefined);
      if (conv) this.dispatch({ type: "conversations", list: conv.conversations });
    }
  }

  async firstPage(key: string): Promise<void> {
    this.dispatch({ type: "loading", key });
    const page = await this.api.get<HistoryPage>(`/history${query({ contact: key, limit: PAGE })}`);
    this.dispatch({ type: "page", key, page, older: false });
  }

  async olderPage(key: string, before: string): Promise<void> {
    this.dispatch({ type: "loading", key });
    const page = await this.api.get<HistoryPage>(`/history${query({ contact: key, before, limit: PAGE })}`);
    this.dispatch({ type: "page", key, page, older: true });
  }
}
