/** Call failures as the UI shows them: the status code and the server's detail string. */
import { Code, ConnectError } from "@connectrpc/connect";

export interface CallError {
  code: Code;
  /** The server's grpc-message, e.g. "Wrong Password". */
  detail: string;
}

export function callError(err: unknown): CallError {
  const e = ConnectError.from(err);
  return { code: e.code, detail: e.rawMessage };
}

export { Code };
