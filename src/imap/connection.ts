/**
 * A logged-in IMAP connection: greeting, CAPABILITY, STARTTLS (RFC 3501 §6.2.1), AUTHENTICATE XOAUTH2 with SASL-IR
 * (RFC 4959) or a continuation, the XOAUTH2 error continuation answered with an empty line; typed errors for every
 * command (the codes of src/imap/errors.ts). The mailbox commands fetch needs are in client.ts.
 */
import { toXoauthError, XoauthError } from "../errors.js";
import type { TlsMode } from "../net/connect.js";
import { upgradeToTls } from "../net/connect.js";
import { buildXoauth2, parseXoauth2Error } from "../sasl/xoauth2.js";
import { mapImapError } from "./errors.js";
import type { ImapSession } from "./imap-session.js";
import type { TaggedLine } from "./parser.js";
import type { ImapTimeouts, TraceFn } from "./session-types.js";

export interface ImapClientOptions {
  host: string;
  port: number;
  tls: TlsMode;
  ca?: string[];
  servername?: string;
  /** Mailbox address (the XOAUTH2 `user=`). */
  user: string;
  token: string;
  timeouts?: Partial<ImapTimeouts> & { connectMs?: number };
  onTrace?: TraceFn;
}

export class ImapConnection {
  capabilities = new Set<string>();

  protected constructor(
    protected readonly s: ImapSession,
    protected readonly opts: ImapClientOptions,
  ) {}

  /** Greeting, capabilities, STARTTLS when asked, XOAUTH2; closes the session on failure. */
  protected async login(): Promise<void> {
    try {
      await this.step("greeting", () => this.s.greeting);
      const caps = this.s.greetingCapabilities;
      if (caps) this.capabilities = new Set(caps.map((x) => x.toUpperCase()));
      else await this.capability();
      if (this.opts.tls === "starttls") await this.starttls();
      await this.authenticate();
    } catch (err) {
      this.s.close();
      throw err;
    }
  }

  async logout(): Promise<void> {
    await this.s.run({ line: "LOGOUT" }).catch(() => undefined);
    this.s.close();
  }

  close(): void {
    this.s.close();
  }

  protected async capability(): Promise<void> {
    const caps = new Set<string>();
    await this.command("CAPABILITY", undefined, {
      onUntagged: (r) => {
        if (r.head.kind === "data" && r.head.type === "CAPABILITY") {
          for (const c of r.head.rest.split(" ")) if (c) caps.add(c.toUpperCase());
        }
      },
    });
    this.capabilities = caps;
  }

  protected async starttls(): Promise<void> {
    if (!this.capabilities.has("STARTTLS")) {
      throw this.error("STARTTLS", `${this.where} does not offer STARTTLS`);
    }
    await this.command("STARTTLS");
    const plain = this.s.detach();
    const secure = await upgradeToTls(plain, {
      host: this.opts.host,
      port: this.opts.port,
      ...(this.opts.ca ? { ca: this.opts.ca } : {}),
      ...(this.opts.servername ? { servername: this.opts.servername } : {}),
    });
    this.s.replaceSocket(secure);
    await this.capability(); // RFC 3501 §6.2.1: capabilities before TLS are discarded
  }

  protected async authenticate(): Promise<void> {
    const command = "AUTHENTICATE XOAUTH2";
    if (!this.capabilities.has("AUTH=XOAUTH2")) {
      throw mapImapError(new Error("Unsupported authentication mechanism"), {
        ...this.ctx(command),
        capabilities: [...this.capabilities],
      });
    }
    const ir = buildXoauth2(this.opts.user, this.opts.token);
    const saslIr = this.capabilities.has("SASL-IR");
    let oauthError: unknown;
    let sentIr = saslIr;
    const t = await this.s
      .run({
        line: saslIr ? `${command} ${ir}` : command,
        traceLine: `${command}${saslIr ? " (token hidden)" : ""}`,
        onContinue: (text) => {
          if (!sentIr) {
            sentIr = true;
            return ir;
          }
          oauthError = parseXoauth2Error(text) ?? oauthError;
          return ""; // answer the error continuation with an empty line; the tagged NO follows
        },
      })
      .catch((e: unknown) => {
        throw mapImapError(e, this.ctx(command));
      });
    if (t.status !== "OK") {
      throw mapImapError(
        Object.assign(new Error("Authentication failed"), { authenticationFailed: true, oauthError }),
        {
          ...this.ctx(command),
          lastTagged: `${t.status} ${t.text}`,
        },
      );
    }
    if (t.code === "CAPABILITY" && t.codeArgs) {
      this.capabilities = new Set(
        t.codeArgs
          .split(" ")
          .filter(Boolean)
          .map((c) => c.toUpperCase()),
      );
    } else await this.capability();
  }

  /** Runs a command; NO/BAD and connection failures become typed errors (MAILBOX_NOT_CONNECTED etc.). */
  protected async command(
    line: string,
    name?: string,
    spec: Omit<Parameters<ImapSession["run"]>[0], "line"> = {},
  ): Promise<TaggedLine> {
    const what = name ?? line;
    const t = await this.step(what, () => this.s.run({ line, ...spec }));
    if (t.status !== "OK") {
      throw mapImapError(Object.assign(new Error(`${t.status} ${t.text}`), { responseStatus: t.status }), {
        ...this.ctx(what),
        lastTagged: `${t.status} ${t.text}`,
      });
    }
    return t;
  }

  protected async step<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw mapImapError(toXoauthError(err), this.ctx(what));
    }
  }

  protected get where(): string {
    return `${this.opts.host}:${this.opts.port}`;
  }

  protected ctx(command: string) {
    return {
      host: this.opts.host,
      port: this.opts.port,
      user: this.opts.user,
      command,
      ...(this.s.lastTagged ? { lastTagged: this.s.lastTagged } : {}),
      capabilities: [...this.capabilities],
      greeted: true,
    };
  }

  protected error(command: string, message: string): XoauthError {
    return new XoauthError("PROTOCOL_ERROR", `${this.where} during ${command}: ${message}.`, {
      details: { command, params: { host: this.opts.host, port: String(this.opts.port), mailbox: this.opts.user } },
    });
  }
}
