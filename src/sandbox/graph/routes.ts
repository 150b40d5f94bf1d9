/** The routes under `/v1.0/users/{id}/`: method, path pattern (`:x` = a parameter), the permission it needs. */
import type { MailOp } from "./access.js";
import * as read from "./routes-read.js";
import * as send from "./routes-send.js";
import * as write from "./routes-write.js";
import type { Ctx } from "./state.js";
import { createUploadSession } from "./upload.js";

export interface Route {
  method: string;
  pattern: readonly string[];
  op: MailOp;
  run(c: Ctx, p: string[]): void | Promise<void>;
}

const r = (method: string, path: string, op: MailOp, run: Route["run"]): Route => ({
  method,
  pattern: path.split("/"),
  op,
  run,
});
const p0 = (p: string[]): string => p[0] ?? "";
const p1 = (p: string[]): string => p[1] ?? "";

export const ROUTES: readonly Route[] = [
  r("GET", "mailFolders", "list", (c) => read.listFolders(c)),
  r("POST", "mailFolders", "write", (c) => write.createFolder(c)),
  r("GET", "mailFolders/:f", "list", (c, p) => read.getFolder(c, p0(p))),
  r("GET", "mailFolders/:f/childFolders", "list", (c, p) => read.listFolders(c, p0(p))),
  r("POST", "mailFolders/:f/childFolders", "write", (c, p) => write.createFolder(c, p0(p))),
  r("GET", "mailFolders/:f/messages", "list", (c, p) => read.listMessages(c, p0(p))),
  r("GET", "mailFolders/:f/messages/delta", "list", (c, p) => read.deltaPage(c, p0(p))),
  r("GET", "mailFolders/:f/messages/:m", "list", (c, p) => read.getMessage(c, p1(p))),
  r("GET", "mailFolders/:f/messages/:m/$value", "read", (c, p) => read.getMime(c, p1(p))),
  r("GET", "messages", "list", (c) => read.listMessages(c)),
  r("POST", "messages", "write", (c) => send.createDraft(c)),
  r("GET", "messages/:m", "list", (c, p) => read.getMessage(c, p0(p))),
  r("PATCH", "messages/:m", "write", (c, p) => write.patch(c, p0(p))),
  r("DELETE", "messages/:m", "write", (c, p) => write.remove(c, p0(p))),
  r("GET", "messages/:m/$value", "read", (c, p) => read.getMime(c, p0(p))),
  r("POST", "messages/:m/move", "write", (c, p) => write.move(c, p0(p))),
  r("POST", "messages/:m/permanentDelete", "write", (c, p) => write.permanentDelete(c, p0(p))),
  r("POST", "messages/:m/send", "send", (c, p) => send.sendDraft(c, p0(p))),
  r("GET", "messages/:m/attachments", "read", (c, p) => send.listAttachments(c, p0(p))),
  r("POST", "messages/:m/attachments", "write", (c, p) => send.addAttachment(c, p0(p))),
  r("POST", "messages/:m/attachments/createUploadSession", "write", (c, p) => createUploadSession(c, p0(p))),
  r("POST", "sendMail", "send", (c) => send.sendMail(c)),
];

/** The route of `segments` (after `users/{id}`), with its parameters; `segment` names the first unknown part. */
export function matchRoute(
  method: string,
  segments: string[],
): { route: Route; params: string[] } | { route?: undefined; segment: string } {
  for (const route of ROUTES) {
    if (route.pattern.length !== segments.length || route.method !== method) continue;
    const params: string[] = [];
    const ok = route.pattern.every((part, i) => {
      const seg = segments[i] ?? "";
      if (part.startsWith(":")) {
        params.push(seg);
        return seg.length > 0;
      }
      return part.toLowerCase() === seg.toLowerCase();
    });
    if (ok) return { route, params };
  }
  return { segment: segments[segments.length - 1] ?? "" };
}
