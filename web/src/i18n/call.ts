/** The texts of calls, in English and Chinese (kept beside strings.ts, same languages). */
import type { Language } from "./strings";

export const callEn = {
  audioCall: "Audio call",
  videoCall: "Video call",
  callScreen: "Call",
  incoming: (who: string) => `${who} is calling`,
  accept: "Accept",
  decline: "Decline",
  mute: "Mute",
  unmute: "Unmute",
  cameraOn: "Camera on",
  cameraOff: "Camera off",
  leave: "Leave call",
  close: "Close",
  you: "You",
  muted: "muted",
  kick: (who: string) => `Remove ${who} from the call`,
  promote: (who: string) => `Make ${who} a call admin`,
  admin: "call admin",
  status: {
    ringing: "ringing…",
    declined: "declined",
    joined: "in the call",
    left: "left",
    kicked: "removed",
  },
  connection: {
    new: "waiting",
    connecting: "connecting…",
    connected: "connected",
    disconnected: "reconnecting…",
    failed: "connection failed",
    closed: "closed",
  } as Record<RTCPeerConnectionState, string>,
  received: (kb: string) => `${kb} kB received`,
  kickedOut: "You were removed from the call.",
  servers: "Connection servers",
  noServers: "none (direct connections only)",
};

export type CallStrings = typeof callEn;

export const callZh: CallStrings = {
  audioCall: "语音通话",
  videoCall: "视频通话",
  callScreen: "通话",
  incoming: (who: string) => `${who} 来电`,
  accept: "接听",
  decline: "拒绝",
  mute: "静音",
  unmute: "取消静音",
  cameraOn: "打开摄像头",
  cameraOff: "关闭摄像头",
  leave: "离开通话",
  close: "关闭",
  you: "你",
  muted: "已静音",
  kick: (who: string) => `将 ${who} 移出通话`,
  promote: (who: string) => `设 ${who} 为通话管理员`,
  admin: "通话管理员",
  status: {
    ringing: "呼叫中…",
    declined: "已拒绝",
    joined: "通话中",
    left: "已离开",
    kicked: "已移出",
  },
  connection: {
    new: "等待中",
    connecting: "连接中…",
    connected: "已连接",
    disconnected: "重新连接中…",
    failed: "连接失败",
    closed: "已关闭",
  },
  received: (kb: string) => `已接收 ${kb} kB`,
  kickedOut: "你已被移出通话。",
  servers: "连接服务器",
  noServers: "无（仅直连）",
};

export const CALL_LANGUAGES: Record<Language, CallStrings> = { en: callEn, zh: callZh };
