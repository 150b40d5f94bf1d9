/** A small in-memory double of the GraphClient for the send path: records every call, answers 202. */
import type { GraphAttachmentSpec, GraphClient, GraphDraft, GraphRequestInfo } from "../../src/graph/types.js";

export type Call =
  | { op: "sendMime"; mime: Buffer }
  | { op: "createDraft"; draft: GraphDraft }
  | { op: "addAttachment"; id: string; spec: GraphAttachmentSpec; content: Buffer }
  | { op: "createUploadSession"; id: string; spec: GraphAttachmentSpec }
  | { op: "uploadRange"; url: string; chunk: Buffer; start: number; total: number }
  | { op: "sendDraft"; id: string }
  | { op: "delete"; id: string };

const ACCEPTED: GraphRequestInfo = { status: 202, requestId: "req-1", clientRequestId: "creq-1" };

export class SendDouble implements GraphClient {
  readonly mailbox = "sender@contoso.com";
  readonly calls: Call[] = [];
  /** Make one operation fail with this error. */
  failOn: { op: Call["op"]; error: Error } | undefined;

  get requestCount(): number {
    return this.calls.length;
  }

  private record(c: Call): void {
    this.calls.push(c);
    if (this.failOn?.op === c.op) throw this.failOn.error;
  }

  async sendMime(mime: Buffer): Promise<GraphRequestInfo> {
    this.record({ op: "sendMime", mime: Buffer.from(mime) });
    return ACCEPTED;
  }
  async createDraft(draft: GraphDraft): Promise<{ id: string }> {
    this.record({ op: "createDraft", draft });
    return { id: "draft-1" };
  }
  async addAttachment(id: string, spec: GraphAttachmentSpec, content: Buffer): Promise<void> {
    this.record({ op: "addAttachment", id, spec, content: Buffer.from(content) });
  }
  async createUploadSession(id: string, spec: GraphAttachmentSpec): Promise<{ uploadUrl: string }> {
    this.record({ op: "createUploadSession", id, spec });
    return { uploadUrl: `https://upload.test/${spec.name}` };
  }
  async uploadRange(url: string, chunk: Buffer, start: number, total: number): Promise<void> {
    this.record({ op: "uploadRange", url, chunk: Buffer.from(chunk), start, total });
  }
  async sendDraft(id: string): Promise<GraphRequestInfo> {
    this.record({ op: "sendDraft", id });
    return ACCEPTED;
  }
  async delete(id: string): Promise<void> {
    this.record({ op: "delete", id });
  }
  resolveFolder(): never {
    throw new Error("not used by send");
  }
  deltaPage(): never {
    throw new Error("not used by send");
  }
  listMessages(): never {
    throw new Error("not used by send");
  }
  openMime(): never {
    throw new Error("not used by send");
  }
  move(): never {
    throw new Error("not used by send");
  }
  markRead(): never {
    throw new Error("not used by send");
  }
  probeSend(): never {
    throw new Error("not used by send");
  }
  close(): void {}
}
