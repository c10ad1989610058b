// Full-text search (GET /search, GET /history?search=): a box and its matches,
// newest first; picking one shows it in its timeline.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { Message } from "../api/types.js";
import { errorText } from "../app/actions.js";

export type Match = Message & { contact?: number };

export function SearchBox(p: { placeholder: string; search(q: string): Promise<Match[]>; onPick(m: Match): void; label?: (m: Match) => string; autoFocus?: boolean }): JSX.Element {
  const [q, setQ] = useState("");
  const [found, setFound] = useState<Match[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = async () => {
    if (!q.trim()) return setFound(undefined);
    try {
      setError(undefined);
      setFound(await p.search(q.trim()));
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <div class="search">
      <form role="search" onSubmit={(e) => { e.preventDefault(); void run(); }}>
        <input type="search" value={q} placeholder={p.placeholder} aria-label={p.placeholder} autoFocus={p.autoFocus}
          onInput={(e) => { setQ(e.currentTarget.value); if (!e.currentTarget.value) setFound(undefined); }}
          onKeyDown={(e) => { if (e.key === "Escape" && q) { e.stopPropagation(); setQ(""); setFound(undefined); } }} />
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {found && (
        <ul class="matches" aria-label="Search results">
          {found.length === 0 && <li class="muted">Nothing found for “{q}”.</li>}
          {found.map((m) => (
            <li key={`${m.conversationId}-${m.id}`}>
              <button type="button" class="match" onClick={() => p.onPick(m)}>
                {p.label && <b>{p.label(m)}</b>} <span>{m.body}</span> <time>{new Date(m.at).toLocaleString()}</time>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
