/**
 * A legacy IMAP client for the soak run: LOGIN with the proxy's local password (RFC 3501 §6.2.3), over our own
 * session layer (src/imap/imap-session.ts), plain TCP to the loopback proxy.
 */
import net from "node:net";
import { ImapSession } from "../src/imap/imap-session.js";

export class LegacyImap {
  private constructor(readonly session: ImapSession) {}

  /** Whether the server (or the proxy) has ended the connection. */
  get closed(): boolean {
    return this.session.failed !== undefined;
  }

  static async login(port: number, user: string, password: string): Promise<LegacyImap> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: "127.0.0.1", port }, () => resolve(s));
      s.once("error", reject);
    });
    socket.on("error", () => {});
    const c = new LegacyImap(new ImapSession(socket, { host: "127.0.0.1", port }));
    await c.session.greeting;
    await c.ok(`LOGIN ${quote(user)} ${quote(password)}`, "LOGIN (hidden)");
    return c;
  }

  /** Runs a command; a NO/BAD rejects. Untagged `* n EXISTS` is reported to `onExists`. */
  async ok(line: string, traceLine?: string, onExists?: (n: number) => void): Promise<void> {
    const t = await this.session.run({
      line,
      ...(traceLine ? { traceLine } : {}),
      onUntagged: (r) => {
        if (r.head.kind === "numeric" && r.head.type === "EXISTS") onExists?.(r.head.n);
      },
    });
    if (t.status !== "OK") throw new Error(`${line.split(" ")[0]}: ${t.status} ${t.text}`);
  }

  /** EXAMINE INBOX -> the number of messages. */
  async examineInbox(): Promise<number> {
    let exists = 0;
    await this.ok("EXAMINE INBOX", undefined, (n) => {
      exists = n;
    });
    return exists;
  }

  async logout(): Promise<void> {
    await this.session.run({ line: "LOGOUT" }).catch(() => undefined);
    this.session.close();
  }

  close(): void {
    this.session.close();
  }
}

function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
