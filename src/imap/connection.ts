/**
 * An IMAP connection before and around login: greeting, CAPABILITY (RFC 3501 §6.1.1), STARTTLS (§6.2.1), the check
 * that AUTH=XOAUTH2 is offered, typed errors for every command (src/imap/errors.ts), and the hand-over of the
 * logged-in socket (the proxy). The login itself is login.ts; the mailbox commands fetch needs are in client.ts.
 */
import type net from "node:net";
import { toXoauthError, XoauthError } from "../errors.js";
import { upgradeToTls } from "../net/connect.js";
import type { TlsMode, TokenSource } from "../net/types.js";
import { mapImapError } from "./errors.js";
import { type ImapSession, taggedText } from "./imap-session.js";
import type { TaggedLine } from "./parser.js";
import type { CommandSpec, ImapTimeouts, TraceFn } from "./session-types.js";

/** The phases of opening a logged-in connection, in order (STARTTLS: connect, greeting, tls, auth). */
export type ImapPhase = "connect" | "tls" | "greeting" | "auth";

/**
 * Runs one phase and hands back its result: `connect` and `tls` give the socket, `greeting` the capabilities,
 * `auth` nothing. `test` times and records each phase through this hook; by default a phase just runs.
 */
export type PhaseRunner = <T>(phase: ImapPhase, run: () => Promise<T>) => Promise<T>;

export interface ImapClientOptions {
  host: string;
  port: number;
  tls: TlsMode;
  ca?: string[];
  servername?: string;
  /** Mailbox address (the XOAUTH2 `user=`). */
  user: string;
  /** The access token, asked for when AUTHENTICATE is sent. */
  token: TokenSource;
  timeouts?: Partial<ImapTimeouts> & { connectMs?: number; tlsMs?: number };
  onTrace?: TraceFn;
  onPhase?: PhaseRunner;
  /**
   * The connection is handed over after login (the proxy): nothing after a tagged reply is parsed before the next
   * command, so that detach() returns those bytes as received.
   */
  handOver?: boolean;
}

/** One command of {@link ImapConnection.pipelined}: its line, the name errors give it, and how to read its answer. */
export interface PipelinedCommand {
  line: string;
  name?: string;
  spec?: Omit<CommandSpec, "line">;
}

export class ImapConnection {
  /** The capabilities, upper-cased for lookups. */
  capabilities = new Set<string>();
  /** The capabilities as the server spelled them (the proxy passes them on). */
  announced: string[] = [];
  /** The text of the tagged OK that ended the login (set by loginXoauth2). */
  loginReply: string | undefined;

  protected constructor(
    readonly session: ImapSession,
    protected readonly opts: ImapClientOptions,
  ) {}

  /** Waits for the greeting and learns the capabilities (from its response code, else with CAPABILITY). */
  async greet(): Promise<string[]> {
    await this.step("greeting", () => this.session.greeting);
    const caps = this.session.greetingCapabilities;
    if (caps) this.setCapabilities(caps);
    else await this.capability();
    return [...this.capabilities];
  }

  async logout(): Promise<void> {
    await this.session.run({ line: "LOGOUT" }).catch(() => undefined);
    this.session.close();
  }

  /** LOGOUT without waiting for the answer (nothing is left to commit): the connection closes once it is sent. */
  logoutNow(): void {
    this.session.sendLastAndClose("LOGOUT");
  }

  close(): void {
    this.session.close();
  }

  /** Gives the logged-in connection away: the socket and the bytes received but not consumed (the proxy pipes them). */
  detach(): { socket: net.Socket; leftover: Buffer } {
    return this.session.handOver();
  }

  setCapabilities(caps: Iterable<string>): void {
    this.announced = [...caps].filter(Boolean);
    this.capabilities = new Set(this.announced.map((c) => c.toUpperCase()));
  }

  async capability(): Promise<void> {
    const caps: string[] = [];
    await this.command("CAPABILITY", undefined, {
      onUntagged: (r) => {
        if (r.head.kind === "data" && r.head.type === "CAPABILITY") caps.push(...r.head.rest.split(" "));
      },
    });
    this.setCapabilities(caps);
  }

  /** STARTTLS, the TLS handshake (verified), and CAPABILITY again (RFC 3501 §6.2.1: the old list is void). */
  async starttls(): Promise<net.Socket> {
    if (!this.capabilities.has("STARTTLS")) {
      throw this.error("STARTTLS", `${this.where} does not offer STARTTLS`);
    }
    await this.command("STARTTLS");
    const plain = this.session.detach();
    const secure = await upgradeToTls(plain, {
      host: this.opts.host,
      port: this.opts.port,
      ...(this.opts.ca ? { ca: this.opts.ca } : {}),
      ...(this.opts.servername ? { servername: this.opts.servername } : {}),
      ...(this.opts.timeouts?.tlsMs ? { timeoutMs: this.opts.timeouts.tlsMs } : {}),
    });
    this.session.replaceSocket(secure);
    await this.capability();
    return secure;
  }

  /** XOAUTH2_NOT_OFFERED unless the server announces AUTH=XOAUTH2 (OAUTHBEARER is never used: Exchange speaks XOAUTH2). */
  requireXoauth2(): void {
    if (this.capabilities.has("AUTH=XOAUTH2")) return;
    throw new XoauthError("XOAUTH2_NOT_OFFERED", `${this.where} does not offer AUTH=XOAUTH2.`, {
      details: {
        command: "CAPABILITY",
        serverReply: `CAPABILITY ${[...this.capabilities].join(" ")}`,
        params: { host: this.opts.host, port: String(this.opts.port), mailbox: this.opts.user },
      },
    });
  }

  /** Runs a command; NO/BAD and connection failures become typed errors (MAILBOX_NOT_CONNECTED etc.). */
  command(line: string, name?: string, spec: Omit<CommandSpec, "line"> = {}): Promise<TaggedLine> {
    return this.pipelined([{ line, ...(name ? { name } : {}), spec }])[0] as Promise<TaggedLine>;
  }

  /**
   * {@link command} for commands sent together without waiting (ImapSession.pipeline, RFC 3501 §5.5): one result
   * each, in order; each fails on its own with its own reply.
   */
  pipelined(cmds: PipelinedCommand[]): Promise<TaggedLine>[] {
    const replies = this.session.pipeline(cmds.map((c) => ({ line: c.line, ...c.spec })));
    return replies.map(async (reply, i) => {
      const c = cmds[i] as PipelinedCommand;
      const what = c.name ?? c.line;
      const t = await this.step(what, () => reply);
      if (t.status !== "OK") throw mapImapError(undefined, { ...this.ctx(what), lastTagged: taggedText(t) });
      return t;
    });
  }

  /** Runs `fn`; a failure becomes the typed error of `what`. */
  async step<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = mapImapError(toXoauthError(err), this.ctx(what));
      e.details.command ??= what; // a failed connection or a bound exceeded: say during which command
      throw e;
    }
  }

  protected get where(): string {
    return `${this.opts.host}:${this.opts.port}`;
  }

  /** What mapImapError needs to know about the command `command` that just failed. */
  ctx(command: string) {
    return {
      host: this.opts.host,
      port: this.opts.port,
      user: this.opts.user,
      command,
      ...(this.session.lastTagged ? { lastTagged: this.session.lastTagged } : {}),
      capabilities: [...this.capabilities],
      greeted: true,
    };
  }

  error(command: string, message: string): XoauthError {
    return new XoauthError("PROTOCOL_ERROR", `${this.where} during ${command}: ${message}.`, {
      details: { command, params: { host: this.opts.host, port: String(this.opts.port), mailbox: this.opts.user } },
    });
  }
}
