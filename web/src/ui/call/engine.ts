/**
 * Calls in the browser: rooms through the server, one RTCPeerConnection per other member, the
 * local microphone and camera, and the signals between them on the event stream (docs/calls.md).
 *
 * Who offers is fixed as in the SDK's `Call`: a member who joins offers to everyone already in
 * the room, the others answer. Signals are live only, so before offering the engine makes sure
 * its stream is live by signalling itself until that comes back, and does so again after the
 * stream reconnects; an offer whose connection is not up after a while is made again, so a
 * signal lost while a stream was down only delays the call. Established connections do not need
 * the stream at all and survive its reconnects.
 */
import { callError } from "../../api/errors";
import { QueryValues as SessionQuery } from "../../api/gen/service/ourchat/session/get_session_info/v1/get_session_info_pb";
import { SignalType } from "../../api/gen/service/ourchat/webrtc/signal/v1/signal_pb";
import type { ChatEvent, SignalEvent } from "../../state/events";
import {
  applyRoomEvent,
  callTitle,
  closeCall,
  dropRing,
  emptyCallState,
  expireRings,
  firstSight,
  iceServers,
  inCall,
  joinedCall,
  kicked,
  promoted,
  reofferDelayMs,
  startedCall,
  updateCall,
  type CallMedia,
  type CallState,
  type Ring,
} from "../../state/call";
import { Store } from "../../state/store";
import { api } from "../api";
import type { ChatClient } from "../controller";

/** What the call screen shows of one connection. */
export interface PeerView {
  connection: RTCPeerConnectionState;
  /** Media bytes received so far (getStats, inbound-rtp), refreshed every second. */
  bytesReceived: number;
  stream: MediaStream;
}

interface Link {
  pc: RTCPeerConnection;
  /** Whether this side made the offer (and so makes it again if the connection stays down). */
  offerer: boolean;
  remoteSet: boolean;
  pending: RTCIceCandidateInit[];
  attempt: number;
  timer: ReturnType<typeof setTimeout> | null;
  stream: MediaStream;
  bytesReceived: number;
}

const STREAM_CHECK = "ourchat-stream-check:";

export class CallController {
  readonly state: Store<CallState>;
  readonly peers = new Store<ReadonlyMap<bigint, PeerView>>(new Map());
  readonly local = new Store<MediaStream | null>(null);
  /** The STUN/TURN URLs the connections use (GetVoipConfig). */
  readonly servers = new Store<readonly string[]>([]);
  readonly error = new Store<string | null>(null);
  private links = new Map<bigint, Link>();
  private outgoing = new Map<bigint, Promise<void>>();
  private ice: RTCIceServer[] = [];
  private media: MediaStream | null = null;
  private check = "";
  private checked: (() => void) | null = null;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private ringTimer: ReturnType<typeof setInterval> | null = null;
  private unwatch: (() => void) | null = null;
  private streamWasDown = false;
  /** The room being joined, and its events that came before JoinRoom's answer. */
  private joining: bigint | null = null;
  private early: ChatEvent[] = [];

  constructor(private readonly client: ChatClient) {
    this.state = new Store(emptyCallState(client.login.userId));
  }

  start(): void {
    this.unwatch = this.client.stream.subscribe((s) => {
      if (s !== "live") this.streamWasDown = true;
    });
    this.ringTimer = setInterval(() => this.state.update((s) => expireRings(s, Date.now())), 2000);
  }

  stop(): void {
    this.unwatch?.();
    if (this.ringTimer !== null) clearInterval(this.ringTimer);
    this.teardown();
  }

  /** The events of the stream (all of them; the call's are picked here). */
  onEvents(events: readonly ChatEvent[]): void {
    for (const e of events) {
      if (this.joining !== null && "roomId" in e && e.roomId === this.joining && e.kind !== "roomInvitation") {
        this.early.push(e);
        continue;
      }
      if (e.kind === "signal") void this.onSignal(e);
      else if (e.kind === "roomInvitation" || e.kind === "roomMember") {
        const before = this.state.get();
        const after = applyRoomEvent(before, e, Date.now());
        this.state.set(after);
        if (e.kind === "roomInvitation") this.client.ensureUser(e.inviterId);
        else {
          this.client.ensureUser(e.userId);
          this.afterMemberChange(before, after, e.userId);
        }
      }
    }
  }

  // Actions ------------------------------------------------------------------------------

  /** Start a call from a chat: a new room, me in it, every other member of the chat rung. */
  async startCall(sessionId: bigint, media: CallMedia): Promise<void> {
    // The members as they are now (the cached session may predate accepted invitations).
    const info = await api.chat.getSessionInfo({ sessionId, queryValues: [SessionQuery.MEMBERS] });
    const me = this.client.login.userId;
    const others = info.members.filter((m) => m !== me);
    await this.leaveIfInCall();
    await this.prepare(media === "video");
    const title = callTitle(media, this.client.sessions.get().get(sessionId)?.name ?? "");
    const { roomId } = await api.chat.createRoom({ title, autoDelete: true, openJoin: false });
    await this.joinRoom(roomId, () => startedCall(this.state.get(), { roomId, title, media, invited: others }));
    for (const userId of others) {
      this.client.ensureUser(userId);
      await api.chat.inviteUserToRoom({ roomId, userId }).catch((err) => this.fail(err));
    }
  }

  /** Answer a ring: join its room and call everyone already there. */
  async accept(ring: Ring, camera: boolean = ring.media === "video"): Promise<void> {
    await this.leaveIfInCall();
    await this.prepare(camera);
    let existing: bigint[] = [];
    try {
      await this.joinRoom(ring.roomId, (users) => {
        existing = users;
        for (const u of users) this.client.ensureUser(u);
        return joinedCall(this.state.get(), ring, users, camera);
      });
    } catch (err) {
      this.state.update((s) => dropRing(s, ring.roomId));
      this.teardown();
      throw err;
    }
    await this.waitForStream(ring.roomId);
    for (const userId of existing) if (userId !== this.client.login.userId) void this.offer(userId);
  }

  /** Say no to a ring: the caller is told. */
  async decline(ring: Ring): Promise<void> {
    this.state.update((s) => dropRing(s, ring.roomId));
    await api.chat.leaveRoom({ roomId: ring.roomId });
  }

  /** Leave the call (or close a call that ended). */
  async leave(): Promise<void> {
    const call = this.state.get().call;
    this.teardown();
    this.state.update(closeCall);
    if (call !== null && call.ended === null) await api.chat.leaveRoom({ roomId: call.roomId });
  }

  setMuted(muted: boolean): void {
    for (const t of this.media?.getAudioTracks() ?? []) t.enabled = !muted;
    this.state.update((s) => updateCall(s, { muted }));
  }

  /** Camera on or off, without renegotiating: every connection has a video sender. */
  async setCamera(on: boolean): Promise<void> {
    const stream = this.media ?? new MediaStream();
    this.media = stream;
    let track: MediaStreamTrack | null = null;
    if (on) {
      const got = await navigator.mediaDevices.getUserMedia({ video: true });
      track = got.getVideoTracks()[0] ?? null;
      if (track !== null) stream.addTrack(track);
    } else {
      for (const t of stream.getVideoTracks()) {
        t.stop();
        stream.removeTrack(t);
      }
    }
    for (const link of this.links.values()) {
      for (const t of link.pc.getTransceivers()) {
        if (t.receiver.track.kind === "video" && t.currentDirection !== "stopped") await t.sender.replaceTrack(track);
      }
    }
    this.local.set(null);
    this.local.set(stream);
    this.state.update((s) => updateCall(s, { camera: track !== null }));
  }

  async promote(userId: bigint): Promise<void> {
    const call = this.state.get().call;
    if (call === null) return;
    await api.chat.promoteRoomAdmin({ roomId: call.roomId, userId });
    this.state.update((s) => promoted(s, userId));
  }

  async kick(userId: bigint): Promise<void> {
    const call = this.state.get().call;
    if (call === null) return;
    await api.chat.kickUserFromRoom({ roomId: call.roomId, userId });
    this.state.update((s) => kicked(s, userId));
    this.closeLink(userId);
  }

  // Inside -------------------------------------------------------------------------------

  private fail(err: unknown): void {
    this.error.set(callError(err).detail || String(err));
  }

  private async leaveIfInCall(): Promise<void> {
    if (this.state.get().call !== null) await this.leave().catch(() => {});
  }

  /** The STUN/TURN servers, and the microphone (and camera) before anyone is called. */
  private async prepare(camera: boolean): Promise<void> {
    this.error.set(null);
    const config = await api.voip.getVoipConfig({});
    this.ice = iceServers(config);
    this.servers.set(this.ice.flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls])));
    try {
      this.media = await navigator.mediaDevices.getUserMedia({ audio: true, video: camera });
    } catch (err) {
      this.media = new MediaStream();
      this.error.set(String(err));
    }
    this.local.set(this.media);
  }

  /** JoinRoom, then the call state made from its answer, then the room's events held meanwhile. */
  private async joinRoom(roomId: bigint, joined: (existing: bigint[]) => CallState): Promise<void> {
    this.joining = roomId;
    this.early = [];
    try {
      const { existingUsers } = await api.chat.joinRoom({ roomId });
      this.state.set(joined(existingUsers));
      this.beginCall();
    } finally {
      this.joining = null;
      const held = this.early.splice(0);
      if (this.state.get().call?.roomId === roomId) this.onEvents(held);
    }
  }

  private beginCall(): void {
    this.streamWasDown = false;
    this.statsTimer = setInterval(() => void this.tick(), 1000);
  }

  private teardown(): void {
    if (this.statsTimer !== null) clearInterval(this.statsTimer);
    this.statsTimer = null;
    for (const userId of [...this.links.keys()]) this.closeLink(userId);
    for (const t of this.media?.getTracks() ?? []) t.stop();
    this.media = null;
    this.local.set(null);
    this.outgoing.clear();
  }

  /** Once a second: the connections' figures, and a fresh stream check after a reconnect. */
  private async tick(): Promise<void> {
    const call = this.state.get().call;
    if (call === null || call.ended !== null) return;
    if (this.streamWasDown) {
      this.streamWasDown = false;
      void this.resync(call.roomId);
    }
    for (const link of this.links.values()) {
      let bytes = 0;
      const report = await link.pc.getStats();
      report.forEach((r: { type: string; bytesReceived?: number }) => {
        if (r.type === "inbound-rtp") bytes += r.bytesReceived ?? 0;
      });
      link.bytesReceived = bytes;
    }
    this.publishPeers();
  }

  /** After the stream came back: offer again to every member whose connection is not up. */
  private async resync(roomId: bigint): Promise<void> {
    await this.waitForStream(roomId);
    for (const [userId, link] of this.links) {
      if (link.offerer && link.pc.connectionState !== "connected") void this.offer(userId);
    }
  }

  /** Signal myself until it comes back on the stream: from then on no signal to me is lost. */
  private async waitForStream(roomId: bigint): Promise<void> {
    this.check = STREAM_CHECK + crypto.randomUUID();
    const back = new Promise<void>((resolve) => (this.checked = resolve));
    let wait = 200;
    for (let i = 0; i < 30; i++) {
      if (this.state.get().call?.roomId !== roomId) return;
      await api.chat
        .signal({
          roomId,
          targetUserId: this.client.login.userId,
          signalType: SignalType.ICE_CANDIDATE,
          iceCandidate: this.check,
        })
        .catch(() => {});
      const done = await Promise.race([back.then(() => true), delay(wait).then(() => false)]);
      if (done) return;
      wait = Math.min(2000, wait * 2);
    }
  }

  private afterMemberChange(before: CallState, after: CallState, userId: bigint): void {
    const call = after.call;
    if (call === null || before.call === null) return;
    if (call.ended === "kicked" && before.call.ended === null) {
      this.teardown();
      return;
    }
    const status = call.members.get(userId);
    if (status === "left" || status === "kicked") this.closeLink(userId);
  }

  /** Signals go out one at a time per member, in order (an answer never overtakes its offer). */
  private send(userId: bigint, signal: Parameters<typeof api.chat.signal>[0]): void {
    const previous = this.outgoing.get(userId) ?? Promise.resolve();
    const next = previous.then(() => api.chat.signal(signal)).then(
      () => {},
      (err) => this.fail(err),
    );
    this.outgoing.set(userId, next);
  }

  private newLink(userId: bigint, offerer: boolean): Link {
    this.closeLink(userId);
    const pc = new RTCPeerConnection({ iceServers: this.ice });
    const link: Link = {
      pc,
      offerer,
      remoteSet: false,
      pending: [],
      attempt: 0,
      timer: null,
      stream: new MediaStream(),
      bytesReceived: 0,
    };
    const roomId = this.state.get().call?.roomId ?? 0n;
    pc.onicecandidate = (e) => {
      if (e.candidate === null || e.candidate.candidate === "") return;
      this.send(userId, {
        roomId,
        targetUserId: userId,
        signalType: SignalType.ICE_CANDIDATE,
        iceCandidate: e.candidate.candidate,
        sdpMid: e.candidate.sdpMid ?? "",
        sdpMlineIndex: e.candidate.sdpMLineIndex ?? 0,
      });
    };
    pc.ontrack = (e) => {
      link.stream.addTrack(e.track);
      this.publishPeers();
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === "connected") link.attempt = 0;
      if (pc.connectionState === "failed" && link.offerer && this.links.get(userId) === link) {
        this.scheduleReoffer(userId, link, 1000);
      }
      this.publishPeers();
    };
    this.links.set(userId, link);
    this.publishPeers();
    return link;
  }

  private closeLink(userId: bigint): void {
    const link = this.links.get(userId);
    if (link === undefined) return;
    this.links.delete(userId);
    if (link.timer !== null) clearTimeout(link.timer);
    link.pc.close();
    this.publishPeers();
  }

  private tracks(): { audio: MediaStreamTrack | null; video: MediaStreamTrack | null } {
    return {
      audio: this.media?.getAudioTracks()[0] ?? null,
      video: this.media?.getVideoTracks()[0] ?? null,
    };
  }

  private async offer(userId: bigint): Promise<void> {
    const call = this.state.get().call;
    if (call === null || call.ended !== null) return;
    const attempt = (this.links.get(userId)?.attempt ?? -1) + 1;
    const link = this.newLink(userId, true);
    link.attempt = attempt;
    const { audio, video } = this.tracks();
    link.pc.addTransceiver(audio ?? "audio", { direction: "sendrecv" });
    link.pc.addTransceiver(video ?? "video", { direction: "sendrecv" });
    try {
      await link.pc.setLocalDescription(await link.pc.createOffer());
    } catch (err) {
      this.fail(err);
      return;
    }
    this.send(userId, {
      roomId: call.roomId,
      targetUserId: userId,
      signalType: SignalType.OFFER,
      sdp: link.pc.localDescription?.sdp ?? "",
    });
    this.scheduleReoffer(userId, link, reofferDelayMs(attempt));
  }

  private scheduleReoffer(userId: bigint, link: Link, ms: number): void {
    if (link.timer !== null) clearTimeout(link.timer);
    link.timer = setTimeout(() => {
      link.timer = null;
      if (this.links.get(userId) === link && link.pc.connectionState !== "connected") {
        void this.offer(userId);
      }
    }, ms);
  }

  private async onSignal(e: SignalEvent): Promise<void> {
    const state = this.state.get();
    const call = state.call;
    if (call === null || call.roomId !== e.roomId || call.ended !== null) return;
    const fresh = firstSight(state, e.id);
    if (fresh === null) return; // delivered twice
    this.state.set(fresh);
    if (e.fromUserId === this.client.login.userId) {
      if (e.candidate === this.check) this.checked?.();
      return;
    }
    try {
      if (e.signal === "offer") await this.answer(e);
      else if (e.signal === "answer") await this.onAnswer(e);
      else await this.onCandidate(e);
    } catch (err) {
      this.fail(err);
    }
  }

  private async answer(e: SignalEvent): Promise<void> {
    this.state.update((s) => inCall(s, e.fromUserId));
    this.client.ensureUser(e.fromUserId);
    const link = this.newLink(e.fromUserId, false);
    await link.pc.setRemoteDescription({ type: "offer", sdp: e.sdp });
    const { audio, video } = this.tracks();
    for (const t of link.pc.getTransceivers()) {
      const track = t.receiver.track.kind === "audio" ? audio : video;
      t.direction = "sendrecv";
      await t.sender.replaceTrack(track);
    }
    await link.pc.setLocalDescription(await link.pc.createAnswer());
    await this.remoteReady(link);
    this.send(e.fromUserId, {
      roomId: e.roomId,
      targetUserId: e.fromUserId,
      signalType: SignalType.ANSWER,
      sdp: link.pc.localDescription?.sdp ?? "",
    });
  }

  private async onAnswer(e: SignalEvent): Promise<void> {
    const link = this.links.get(e.fromUserId);
    if (link === undefined || link.pc.signalingState !== "have-local-offer") return;
    await link.pc.setRemoteDescription({ type: "answer", sdp: e.sdp });
    await this.remoteReady(link);
  }

  private async onCandidate(e: SignalEvent): Promise<void> {
    const link = this.links.get(e.fromUserId);
    if (link === undefined) return;
    const candidate = { candidate: e.candidate, sdpMid: e.sdpMid || null, sdpMLineIndex: e.sdpMLineIndex };
    if (link.remoteSet) await link.pc.addIceCandidate(candidate).catch(() => {});
    else link.pending.push(candidate);
  }

  private async remoteReady(link: Link): Promise<void> {
    link.remoteSet = true;
    for (const c of link.pending.splice(0)) await link.pc.addIceCandidate(c).catch(() => {});
  }

  private publishPeers(): void {
    const views = new Map<bigint, PeerView>();
    for (const [userId, link] of this.links) {
      views.set(userId, {
        connection: link.pc.connectionState,
        bytesReceived: link.bytesReceived,
        stream: link.stream,
      });
    }
    this.peers.set(views);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
