/**
 * A proxy with POP3 listeners over Graph (`upstream: graph`) against the sandbox's Graph fake: the listener `pop3g`
 * serves the Inbox, `scans` serves `Inbox/Scans` and moves deleted messages to `Archive`. Local users: `device`
 * (all Graph roles of the sandbox app), `readonly` (Mail.Read: may list and read, not move), `sendonly` (Mail.Send:
 * may not list), `nobox` (a mailbox that does not exist). Passwords need no quoting in any client's config.
 */
import type { TokenProvider } from "../../../src/auth/types.js";
import { createGraphClient } from "../../../src/graph/client.js";
import type { ProxyLogRecord } from "../../../src/proxy/log.js";
import { hashPassword } from "../../../src/proxy/password.js";
import { type ProxyServer, startProxy } from "../../../src/proxy/server.js";
import type { UpstreamAccount, UpstreamLogin } from "../../../src/proxy/types.js";
import { graphPop3Login } from "../../../src/proxy/upstream/graph-pop3.js";
import { createUpstreamLogin } from "../../../src/proxy/upstream/index.js";
import { type GraphWorld, startWorld } from "../world.js";
import { countingTokens, testListener } from "./test-proxy.js";

export const MB = "info@contoso.onmicrosoft.com";
export const PASSWORD = "device-pass-1";

export interface GraphPop3World {
  w: GraphWorld;
  proxy: ProxyServer;
  port(name: "pop3g" | "scans"): number;
  logs: ProxyLogRecord[];
  /** Graph token requests of the `device` user. */
  tokens: TokenProvider & { calls: number };
  /** Delivers a message to a folder of the mailbox (store path: INBOX, INBOX/Scans, Deleted Items, Archive). */
  deliver(raw: Buffer, folder?: string): void;
  /** The raw messages of a folder, oldest first. */
  folder(path: string): Buffer[];
  /** Empties every folder of the mailbox. */
  clear(): void;
  stop(): Promise<void>;
}

/**
 * `sizeSkew`: the Graph listing reports every message's size (PR_MESSAGE_SIZE) as its length plus this (Exchange's
 * sizes are estimates); undefined: the fake gives no size and the proxy measures `$value`.
 */
export async function startGraphPop3World(o: { sizeSkew?: number } = {}): Promise<GraphPop3World> {
  const w = await startWorld({ graph: {} });
  const mint = (roles?: string[]) => w.identity.mintAccessToken(roles ? { roles } : {}, { resource: "graph" });
  const full = mint();
  const tokens = countingTokens(async () => full);
  const logs: ProxyLogRecord[] = [];
  w.graph.addFolder(MB, "INBOX/Scans");
  w.graph.addFolder(MB, "Archive");
  const account = (name: string, t: TokenProvider, mailbox = MB): UpstreamAccount => ({
    name,
    mailbox,
    tokens: countingTokens(async () => "no-exchange-token"),
    graph: { url: w.graphUrl, tokens: t, ca: [w.pki.ca.certPem] },
  });
  const hash = await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 });
  const pop3 = testListener("pop3g", "pop3");
  const scans = testListener("scans", "pop3");
  const proxy = await startProxy({
    listeners: [
      { ...pop3, upstream: { ...pop3.upstream, graph: true, folder: "inbox", deleteTo: "deleteditems" } },
      { ...scans, upstream: { ...scans.upstream, graph: true, folder: "Inbox/Scans", deleteTo: "Archive" } },
    ],
    users: [
      { username: "device", passwordHash: hash, account: account("main", tokens) },
      {
        username: "readonly",
        passwordHash: hash,
        account: account(
          "ro",
          countingTokens(async () => mint(["Mail.Read"])),
        ),
      },
      {
        username: "sendonly",
        passwordHash: hash,
        account: account(
          "so",
          countingTokens(async () => mint(["Mail.Send"])),
        ),
      },
      {
        username: "nobox",
        passwordHash: hash,
        account: account(
          "nb",
          countingTokens(async () => full),
          "nobody@contoso.onmicrosoft.com",
        ),
      },
    ],
    upstream: o.sizeSkew === undefined ? createUpstreamLogin() : skewedSizes(w, o.sizeSkew),
    logger: (r) => logs.push(r),
    authFailureDelayMs: 10,
  });
  const mailbox = () => {
    const mb = w.graph.directory.findMailbox(MB);
    if (!mb) throw new Error(`no mailbox ${MB}`);
    return mb;
  };
  return {
    w,
    proxy,
    logs,
    tokens,
    port(name) {
      const l = proxy.listeners.find((b) => b.name === name);
      if (!l) throw new Error(`no listener ${name}`);
      return l.port;
    },
    deliver(raw, folder = "INBOX") {
      w.graph.directory.deliver(MB, raw, folder);
    },
    folder(path) {
      return (mailbox().folders.get(path) ?? []).map((m) => m.raw);
    },
    clear() {
      for (const list of mailbox().folders.values()) list.length = 0;
    },
    async stop() {
      await proxy.close(2000);
      await w.stop();
    },
  };
}

/** Graph listings with a size per message: the real length plus `skew` (the fake itself reports none). */
function skewedSizes(w: GraphWorld, skew: number): UpstreamLogin {
  return {
    login: (req) =>
      graphPop3Login(req, {
        createClient: (opts) => {
          const c = createGraphClient(opts);
          const list = c.listMessages.bind(c);
          c.listMessages = async (folderId, top, how) => {
            const refs = await list(folderId, top, how);
            const mb = w.graph.directory.findMailbox(MB);
            const len = (id: string) => (mb ? (w.graph.store.find(mb, id)?.msg.raw.length ?? 0) : 0);
            return refs.map((r) => ({ ...r, size: len(r.id) + skew }));
          };
          return c;
        },
      }),
  };
}
