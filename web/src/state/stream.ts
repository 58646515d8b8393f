/**
 * Keeps the event stream open: resumes from the timeline's cursor after any failure (a dropped
 * connection, a sleeping laptop, a restart), waits a little longer after each failure in a row,
 * and reports its state. A stream that ends without error is reopened too.
 */
import type { ChatEvent, Micros } from "./events";

export type StreamState = "connecting" | "live" | "reconnecting" | "maintenance" | "unauthenticated";

export interface StreamFailure {
  /** "maintenance" and "unauthenticated" are shown as such; anything else is retried. */
  kind: "maintenance" | "unauthenticated" | "other";
}

export interface StreamDeps {
  /** Open the stream from a time (strictly after); yields events until it fails or ends. */
  open(since: Micros, signal: AbortSignal): AsyncIterable<ChatEvent>;
  /** Where to resume from now. */
  resumeFrom(): Micros;
  onEvents(events: ChatEvent[]): void;
  onState(state: StreamState): void;
  classify(err: unknown): StreamFailure;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

const DELAYS_MS = [500, 1000, 2000, 3000, 5000];

/** Run until `signal` aborts or the token is refused. Events are handed over in small batches. */
export async function keepStreaming(deps: StreamDeps, signal: AbortSignal): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    deps.onState(failures === 0 ? "connecting" : "reconnecting");
    try {
      let live = false;
      for await (const event of deps.open(deps.resumeFrom(), signal)) {
        if (!live) {
          live = true;
          failures = 0;
          deps.onState("live");
        }
        deps.onEvents([event]);
      }
      if (!live) deps.onState("live");
    } catch (err) {
      if (signal.aborted) return;
      const failure = deps.classify(err);
      if (failure.kind === "unauthenticated") {
        deps.onState("unauthenticated");
        return;
      }
      if (failure.kind === "maintenance") deps.onState("maintenance");
    }
    if (signal.aborted) return;
    const delay = DELAYS_MS[Math.min(failures, DELAYS_MS.length - 1)];
    failures++;
    await deps.sleep(delay, signal);
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
