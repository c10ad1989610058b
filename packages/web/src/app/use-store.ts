// The reducer held in a ref as well as in Preact state, so code outside
// render (the session, actions) always reads the current state.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { initialState, reduce, type Action, type AppState } from "../state/store.js";

export function useStore(): { s: AppState; dispatch: (a: Action) => void; get: () => AppState } {
  const ref = useRef<AppState>(initialState());
  const [s, set] = useState(ref.current);
  const api = useMemo(() => ({
    dispatch: (a: Action) => {
      ref.current = reduce(ref.current, a);
      set(ref.current);
    },
    get: () => ref.current,
  }), []);
  return { s, ...api };
}

/** A clock for the view (call timers, typing expiry), ticking every second. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}
