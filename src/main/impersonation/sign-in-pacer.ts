// Clerk's Frontend API allows 5 sign-in attempts per 10 s per IP (REAL-CLERK.md, Clerk's system
// limits). Each impersonation window makes one (the ticket sign-in), at a moment Understudy cannot
// see: somewhere between the window opening and its session appearing, seconds apart on a busy
// machine. So a window counts from when it opens until its sign-in is over (in flight), then for a
// full window (plus a margin) from that moment; a window opens only while fewer than five count.
// Per Frontend API origin: one instance's limit.

export const SIGN_IN_LIMIT = { attempts: 5, windowMs: 10_000 } as const;
/** Added to Clerk's window: the session appears a little after the attempt Clerk counted. */
export const PACING_MARGIN_MS = 1_000;

interface OriginState {
  inFlight: number;
  /** When recent sign-ins were over, oldest first. */
  recent: number[];
  listeners: Set<() => void>;
}

export type SlotAnswer = { granted: true } | { granted: false; retryAt: number | null };

export class SignInPacer {
  readonly #now: () => number;
  readonly #origins = new Map<string, OriginState>();

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Takes a slot for a window of `origin` if Clerk's limit allows one now; otherwise when to ask again (null: once a sign-in in flight is over). */
  take(origin: string): SlotAnswer {
    const state = this.#state(origin);
    const spacing = SIGN_IN_LIMIT.windowMs + PACING_MARGIN_MS;
    const now = this.#now();
    state.recent = state.recent.filter((at) => at > now - spacing);
    const excess = state.inFlight + state.recent.length - SIGN_IN_LIMIT.attempts + 1;
    if (excess <= 0) {
      state.inFlight += 1;
      return { granted: true };
    }
    // Enough finished sign-ins will have aged out by then; if in-flight ones are in the way, unknown yet.
    return { granted: false, retryAt: excess <= state.recent.length ? state.recent[excess - 1]! + spacing : null };
  }

  /** The window's sign-in is over (signed in, refused, or the window ended): it counts from now. */
  done(origin: string): void {
    const state = this.#state(origin);
    state.inFlight = Math.max(0, state.inFlight - 1);
    state.recent.push(this.#now());
    for (const listener of [...state.listeners]) listener();
  }

  /** Called whenever a sign-in of `origin` is over (the estimate of queued windows changes). */
  onDone(origin: string, listener: () => void): () => void {
    const state = this.#state(origin);
    state.listeners.add(listener);
    return () => state.listeners.delete(listener);
  }

  #state(origin: string): OriginState {
    let state = this.#origins.get(origin);
    if (!state) this.#origins.set(origin, (state = { inFlight: 0, recent: [], listeners: new Set() }));
    return state;
  }
}
