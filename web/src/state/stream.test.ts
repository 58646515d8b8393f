import { describe, expect, it } from "vitest";
import type { ChatEvent, MessageEvent } from "./events";
import { keepStreaming, type StreamState } from "./stream";
import { applyEvents, emptyTimeline, resumeFrom, type Timeline } from "./timeline";

function msg(id: bigint): MessageEvent {
  return { kind: "msg", id, time: id * 10n, sessionId: 1n, senderId: 2n, text: "", files: [], encrypted: false };
}

describe("keepStreaming", () => {
  it("resumes after a drop from the last event, losing and doubling nothing", async () => {
    // The server's whole history; each connection replays what is after `since`, then drops.
    const history = [1n, 2n, 3n, 4n, 5n].map(msg);
    const opened: bigint[] = [];
    let timeline: Timeline = emptyTimeline(9n);
    const states: StreamState[] = [];
    const ctrl = new AbortController();
    let connection = 0;
    await keepStreaming(
      {
        async *open(since) {
          opened.push(since);
          connection++;
          const after = history.filter((m) => m.time > since);
          // Connection 1 delivers two events then drops; connection 2 delivers the rest.
          const take = connection === 1 ? after.slice(0, 2) : after;
          for (const m of take) yield m as ChatEvent;
          if (connection === 1) throw new Error("network");
          ctrl.abort();
        },
        resumeFrom: () => resumeFrom(timeline),
        onEvents: (events) => {
          timeline = applyEvents(timeline, events);
        },
        onState: (s) => states.push(s),
        classify: () => ({ kind: "other" }),
        sleep: async () => {},
      },
      ctrl.signal,
    );
    expect(opened).toEqual([0n, 19n]);
    expect(timeline.messages.get(1n)?.map((m) => m.id)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(states).toEqual(["connecting", "live", "reconnecting", "live"]);
  });

  it("shows maintenance and keeps retrying; stops when the token is refused", async () => {
    const states: StreamState[] = [];
    let calls = 0;
    const ctrl = new AbortController();
    await keepStreaming(
      {
        // eslint-disable-next-line require-yield
        async *open() {
          calls++;
          throw new Error(calls < 3 ? "maintenance" : "unauthenticated");
        },
        resumeFrom: () => 0n,
        onEvents: () => {},
        onState: (s) => states.push(s),
        classify: (err) => ({ kind: (err as Error).message as "maintenance" | "unauthenticated" }),
        sleep: async () => {},
      },
      ctrl.signal,
    );
    expect(calls).toBe(3);
    expect(states).toEqual([
      "connecting",
      "maintenance",
      "reconnecting",
      "maintenance",
      "reconnecting",
      "unauthenticated",
    ]);
  });
});
