// The contact list: name, avatar initial, presence dot, SIP state, unread
// badge, most recent first; subscription requests on top; filter and search.
import type { JSX } from "preact";
import type { ContactView } from "../api/types.js";
import { contactKey, displayName } from "../state/address.js";
import { filterContacts, initial, mediaOf, presenceDot, presenceText, sipLabel, sortContacts, statusLine } from "../state/contacts.js";
import { isTyping } from "../state/typing.js";
import type { AppState } from "../state/store.js";
import { Icon } from "./icons.js";

export type ListProps = {
  s: AppState;
  now: number;
  filter: string;
  onFilter(v: string): void;
  onOpen(key: string): void;
  onApprove(jid: string): void;
  onDeny(jid: string): void;
  onAdd(): void;
  onSearch(): void;
};

export function ContactList(p: ListProps): JSX.Element {
  const list = sortContacts(filterContacts(p.s.contacts, p.filter), p.s.activity);
  return (
    <aside class="sidebar" aria-label="Contacts">
      <div class="sidebar-tools">
        <input class="filter" type="search" placeholder="Find a contact" aria-label="Find a contact" value={p.filter} onInput={(e) => p.onFilter(e.currentTarget.value)} />
        <button type="button" class="icon-button" aria-label="Search all messages" title="Search all messages" onClick={p.onSearch}><Icon name="search" /></button>
        <button type="button" class="icon-button" aria-label="Add contact" title="Add contact" onClick={p.onAdd}><Icon name="plus" /></button>
      </div>
      {p.s.requests.length > 0 && (
        <section class="requests" aria-label="Subscription requests">
          {p.s.requests.map((r) => (
            <div class="request" key={r.jid}>
              <span class="request-text"><b>{r.jid}</b> wants to see your presence</span>
              <button type="button" class="button primary small" aria-label={`Approve ${r.jid}`} onClick={() => p.onApprove(r.jid)}>Approve</button>
              <button type="button" class="button small" aria-label={`Refuse ${r.jid}`} onClick={() => p.onDeny(r.jid)}>Refuse</button>
            </div>
          ))}
        </section>
      )}
      <ul class="contacts" role="list">
        {list.map((c) => <ContactRow key={contactKey(c)} c={c} p={p} />)}
        {list.length === 0 && <li class="empty">{p.filter ? "No contact matches." : "No contacts yet: add one with +."}</li>}
      </ul>
    </aside>
  );
}

function ContactRow({ c, p }: { c: ContactView; p: ListProps }): JSX.Element {
  const key = contactKey(c);
  const unread = p.s.unread[key] ?? 0;
  const dot = presenceDot(c);
  const media = mediaOf(c);
  const typing = isTyping(p.s.typing, key, p.now);
  const selected = p.s.selected === key;
  const name = displayName(c);
  return (
    <li>
      <button type="button" class={`contact ${selected ? "selected" : ""}`} aria-current={selected ? "true" : undefined}
        aria-label={`${name}, ${presenceText(c)}, ${sipLabel(c.sipState)}${unread ? `, ${unread} unread` : ""}`}
        data-contact={key} onClick={() => p.onOpen(key)}>
        <span class="avatar" aria-hidden="true">{initial(c)}<span class={`dot dot-${dot}`} /></span>
        <span class="contact-main">
          <span class="contact-name">{name}</span>
          <span class="contact-sub">{typing ? <em class="typing">typing…</em> : statusLine(c)}</span>
        </span>
        <span class="contact-side">
          {media.video ? <Icon name="video" class="cap" /> : media.audio ? <Icon name="phone" class="cap" /> : null}
          {unread > 0 && <span class="badge" aria-hidden="true">{unread}</span>}
        </span>
      </button>
    </li>
  );
}
