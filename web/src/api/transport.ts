/**
 * The only module that knows the transport: gRPC-Web to the server that served this page, with the
 * caller's token on OurChatService and ServerManageService calls (never on Auth/Basic, as the
 * official client does).
 */
import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { AuthService } from "./gen/service/auth/v1/auth_pb";
import { BasicService } from "./gen/service/basic/v1/basic_pb";
import { OurChatService } from "./gen/service/ourchat/v1/ourchat_pb";
import { ServerManageService } from "./gen/service/server_manage/v1/server_manage_pb";

export interface Api {
  auth: Client<typeof AuthService>;
  basic: Client<typeof BasicService>;
  /** BasicService with the token: GetVoipConfig hands TURN credentials to a logged-in caller only. */
  voip: Client<typeof BasicService>;
  chat: Client<typeof OurChatService>;
  admin: Client<typeof ServerManageService>;
}

/** Clients for `baseUrl` (default: this page's origin); `token()` is read on every call. */
export function createApi(token: () => string | null, baseUrl: string = location.origin): Api {
  const bearer: Interceptor = (next) => async (req) => {
    const t = token();
    if (t !== null) req.header.set("authorization", `Bearer ${t}`);
    return next(req);
  };
  const plain = createGrpcWebTransport({ baseUrl, useBinaryFormat: true });
  const authed = createGrpcWebTransport({ baseUrl, useBinaryFormat: true, interceptors: [bearer] });
  return {
    auth: createClient(AuthService, plain),
    basic: createClient(BasicService, plain),
    voip: createClient(BasicService, authed),
    chat: createClient(OurChatService, authed),
    admin: createClient(ServerManageService, authed),
  };
}
