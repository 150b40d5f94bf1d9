/**
 * POP3 listener with `upstream: graph` against the sandbox's Graph fake, driven by Python's poplib: the maildrop,
 * byte-exact RETR and TOP, stable UIDLs, DELE applied only at QUIT (to Deleted Items or the configured folder), and
 * the replies for a wrong password (no token request), missing permissions, an unknown mailbox and throttling.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { type GraphPop3World, PASSWORD, startGraphPop3World } from "../harness/proxy/graph-pop3-world.js";
import { rawConnect } from "../harness/proxy/raw-client.js";
import { runPython, trickyMessage } from "../harness/proxy/test-proxy.js";

/** ARGS: port, user, password, retr [n], top [[n, lines]], dele [n], rset, quit. Prints JSON. */
const SESSION_PY = `
import json, os, poplib
a = json.loads(os.environ["ARGS"])
out = {}
p = poplib.POP3("127.0.0.1", a["port"], timeout=60)
try:
    p.user(a["user"])
    p.pass_(a["password"])
except poplib.error_proto as e:
    print(json.dumps({"ok": False, "login": e.args[0].decode("latin1")}))
    raise SystemExit(0)
try:
    out["stat"] = list(p.stat())
    out["list"] = [l.decode() for l in p.list()[1]]
    out["uidl"] = [l.decode() for l in p.uidl()[1]]
    out["retr"] = [(b"\\r\\n".join(p.retr(i)[1]) + b"\\r\\n").hex() for i in a.get("retr", [])]
    out["top"] = [(b"\\r\\n".join(p.top(i, n)[1]) + b"\\r\\n").hex() for i, n in a.get("top", [])]
    for i in a.get("dele", []):
        p.dele(i)
    if a.get("rset"):
        p.rset()
    if a.get("quit", True):
        out["quit"] = p.quit().decode("latin1")
    else:
        p.sock.close()
    out["ok"] = True
except poplib.error_proto as e:
    out["ok"] = False
    out["error"] = e.args[0].decode("latin1")
print(json.dumps(out))
`;

interface SessionOut {
  ok: boolean;
  login?: string;
  error?: string;
  stat?: [number, number];
  list?: string[];
  uidl?: string[];
  retr?: string[];
  top?: string[];
  quit?: string;
}

const msg = (i: number): Buffer =>
  Buffer.from(`From: a@example.com\r\nTo: b@example.com\r\nSubject: m${i}\r\n\r\nline 1 of ${i}\r\n.dot\r\nline 3\r\n`);

describe("proxy POP3 listener with upstream: graph (sandbox Graph fake, Python poplib)", () => {
  let g: GraphPop3World;
  before(async () => {
    g = await startGraphPop3World();
  });
  after(() => g.stop());
  beforeEach(() => g.clear());

  const session = async (o: Record<string, unknown>, port = g.port("pop3g")): Promise<SessionOut> => {
    const r = await runPython(SESSION_PY, { port, user: "device", password: PASSWORD, ...o }, 60_000);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as SessionOut;
  };

  it("STAT/LIST/UIDL over the folder, oldest first; RETR byte-exact; QUIT without DELE keeps everything", async () => {
    const msgs = [trickyMessage("first"), msg(2), msg(3)];
    for (const m of msgs) g.deliver(m);
    const o = await session({ retr: [1, 2, 3] });
    assert.equal(o.ok, true, JSON.stringify(o));
    const total = msgs.reduce((n, m) => n + m.length, 0);
    assert.deepEqual(o.stat, [3, total]);
    assert.deepEqual(
      o.list,
      msgs.map((m, i) => `${i + 1} ${m.length}`),
    );
    assert.equal(o.uidl?.length, 3);
    for (const line of o.uidl ?? []) assert.match(line, /^\d \S{43}$/);
    assert.equal(new Set(o.uidl?.map((l) => l.split(" ")[1])).size, 3);
    assert.deepEqual(
      o.retr?.map((h) => Buffer.from(h, "hex")),
      msgs,
    );
    assert.match(o.quit ?? "", /^\+OK/);
    assert.equal(g.folder("INBOX").length, 3);
  });

  it("UIDLs are the same in the next session; a new message adds one; TOP gives headers and n body lines", async () => {
    g.deliver(msg(1));
    g.deliver(msg(2));
    const a = await session({});
    g.deliver(msg(3));
    const b = await session({
      top: [
        [1, 0],
        [2, 2],
        [3, 99],
      ],
    });
    assert.deepEqual(b.uidl?.slice(0, 2), a.uidl);
    assert.equal(b.uidl?.length, 3);
    const tops = b.top?.map((h) => Buffer.from(h, "hex").toString("latin1"));
    const head = "From: a@example.com\r\nTo: b@example.com\r\n";
    assert.deepEqual(tops, [
      `${head}Subject: m1\r\n\r\n`,
      `${head}Subject: m2\r\n\r\nline 1 of 2\r\n.dot\r\n`,
      msg(3).toString("latin1"),
    ]);
  });

  it("DELE without QUIT deletes nothing; DELE then RSET then QUIT deletes nothing", async () => {
    g.deliver(msg(1));
    g.deliver(msg(2));
    const left = await session({ dele: [1, 2], quit: false });
    assert.equal(left.ok, true, JSON.stringify(left));
    const reset = await session({ dele: [1], rset: true });
    assert.match(reset.quit ?? "", /^\+OK/);
    assert.equal(g.folder("INBOX").length, 2);
    assert.equal(g.folder("Deleted Items").length, 0);
  });

  it("DELE and QUIT move the messages to Deleted Items (byte for byte); the rest stays", async () => {
    g.deliver(msg(1));
    g.deliver(msg(2));
    g.deliver(msg(3));
    const o = await session({ dele: [1, 3] });
    assert.match(o.quit ?? "", /^\+OK .*2 messages deleted/);
    assert.deepEqual(g.folder("INBOX"), [msg(2)]);
    assert.deepEqual(g.folder("Deleted Items"), [msg(1), msg(3)]);
    assert.ok(g.logs.some((l) => l.event === "update" && l.outcome === "ok"));
  });

  it("a listener with folder: Inbox/Scans and deleteTo: Archive serves that folder and moves there", async () => {
    g.deliver(msg(1));
    g.deliver(msg(7), "INBOX/Scans");
    const o = await session({ retr: [1], dele: [1] }, g.port("scans"));
    assert.equal(o.stat?.[0], 1);
    assert.deepEqual(
      o.retr?.map((h) => Buffer.from(h, "hex")),
      [msg(7)],
    );
    assert.deepEqual(g.folder("Archive"), [msg(7)]);
    assert.equal(g.folder("INBOX").length, 1);
  });

  it("a wrong local password: -ERR [AUTH], no token request, no Graph request", async () => {
    const calls = g.tokens.calls;
    const n = g.w.graph.requests.length;
    const o = await session({ password: "wrong-password" });
    assert.match(o.login ?? "", /^-ERR \[AUTH\]/);
    assert.equal(g.tokens.calls, calls);
    assert.equal(g.w.graph.requests.length, n);
    assert.ok(g.logs.some((l) => l.outcome === "local-reject" && l.listener === "pop3g"));
  });

  it("Graph refuses the listing: -ERR [AUTH] at login, the log names GRAPH_PERMISSION_MISSING / MAILBOX_NOT_FOUND", async () => {
    const so = await session({ user: "sendonly" });
    assert.match(so.login ?? "", /^-ERR \[AUTH\]/);
    assert.ok(
      g.logs.some((l) => l.user === "sendonly" && l.code === "GRAPH_PERMISSION_MISSING"),
      JSON.stringify(g.logs.slice(-3)),
    );
    const nb = await session({ user: "nobox" });
    assert.match(nb.login ?? "", /^-ERR \[AUTH\]/);
    assert.ok(
      g.logs.some((l) => l.user === "nobox" && l.outcome === "upstream-fail" && l.code === "MAILBOX_NOT_FOUND"),
      JSON.stringify(g.logs.slice(-3)),
    );
  });

  it("Graph throttles the login beyond the retry budget: -ERR [SYS/TEMP], logged THROTTLED", async () => {
    g.w.graph.failNext("throttled", 1, 600);
    const o = await session({});
    assert.match(o.login ?? "", /^-ERR \[SYS\/TEMP\]/);
    assert.ok(g.logs.some((l) => l.event === "login" && l.code === "THROTTLED"));
  });

  it("the app may read but not move (Mail.Read): QUIT answers -ERR [SYS/PERM], logged, nothing lost", async () => {
    g.deliver(msg(1));
    const o = await session({ user: "readonly", retr: [1], dele: [1] });
    assert.equal(o.ok, false, JSON.stringify(o));
    assert.match(
      o.error ?? "",
      /^-ERR \[SYS\/PERM\] Some deleted messages not removed \(1 of 1\).*GRAPH_PERMISSION_MISSING/,
    );
    assert.equal(g.folder("INBOX").length, 1);
    assert.ok(
      g.logs.some((l) => l.event === "update" && l.user === "readonly" && l.code === "GRAPH_PERMISSION_MISSING"),
    );
  });

  it("the session's own protocol: pipelined commands in order, bad numbers, CAPA after login, DELE twice", async () => {
    g.deliver(msg(1));
    const c = await rawConnect(g.port("pop3g"));
    await c.waitFor(/^\+OK/);
    c.send(
      `USER device\r\nPASS ${PASSWORD}\r\nCAPA\r\nLIST 1\r\nRETR 9\r\nTOP 1\r\nDELE 1\r\nDELE 1\r\nRETR 1\r\nSTAT\r\nUSER x\r\nXYZ\r\nRSET\r\nNOOP\r\nQUIT\r\n`,
    );
    const got = await c.closed();
    const lines = got.split("\r\n");
    const replies = lines.filter((l) => /^[+-]/.test(l));
    assert.deepEqual(
      replies.slice(1).map((l) => l.split(" ").slice(0, 2).join(" ")),
      [
        "+OK",
        "+OK Logged",
        "+OK Capability",
        `+OK 1`,
        "-ERR No",
        "-ERR Syntax:",
        "+OK Message",
        "-ERR Message",
        "-ERR Message",
        "+OK 0",
        "-ERR Already",
        "-ERR Unknown",
        "+OK Maildrop",
        "+OK",
        "+OK Bye.",
      ],
    );
    assert.ok(lines.includes("UIDL") && lines.includes("TOP") && !lines.includes("USER"));
    assert.equal(g.folder("INBOX").length, 1);
  });
});
