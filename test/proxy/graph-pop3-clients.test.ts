/**
 * Real POP3 clients through a POP3 listener with `upstream: graph` (sandbox Graph fake): Debian's fetchmail and
 * getmail6, "keep" and "delete", getmail's "new only" (read_all = false) across two runs by UIDL, and fetchmail and
 * poplib with Graph's size estimates off from the real size. Every message arrives byte for byte (apart from the
 * client's own line-ending conversion and trace header), and "delete" moves the messages to Deleted Items.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { type GraphPop3World, PASSWORD, startGraphPop3World } from "../harness/proxy/graph-pop3-world.js";
import { runPython, trickyMessage } from "../harness/proxy/test-proxy.js";

const bin = (name: string): string | undefined =>
  [`/usr/bin/${name}`, `/usr/local/bin/${name}`].find((p) => existsSync(p));

/** Runs a client without blocking the proxy in this process; resolves with its exit status and output. */
function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, out }));
  });
}

const lf = (b: Buffer): Buffer => Buffer.from(b.toString("latin1").replace(/\r\n/g, "\n"), "latin1");

const msg = (i: number): Buffer =>
  Buffer.from(`From: a@example.com\r\nTo: b@example.com\r\nSubject: c${i}\r\n\r\n.leading dot ${i}\r\n.\r\nend\r\n`);

/** Files of a directory, read. */
function files(dir: string): Buffer[] {
  return existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f))) : [];
}

/** Each wanted message is the tail of exactly one delivered file (a client may put its own header in front). */
function assertDelivered(got: Buffer[], want: Buffer[]): void {
  assert.equal(got.length, want.length, `delivered ${got.length}, expected ${want.length}`);
  for (const w of want) {
    const hits = got.filter((g) => g.length >= w.length && g.subarray(g.length - w.length).equals(w));
    assert.equal(hits.length, 1, `message not delivered byte for byte: ${JSON.stringify(w.toString("latin1"))}`);
  }
}

/** fetchmail polls the listener once ("keep" or delete), each message to its own file; returns the files. */
async function fetchmail(g: GraphPop3World, tmp: string, keep: boolean): Promise<Buffer[]> {
  const out = mkdtempSync(join(tmp, "fm-out-"));
  const rc = join(tmp, "fetchmailrc");
  writeFileSync(
    rc,
    `poll 127.0.0.1 service ${g.port("pop3g")} protocol pop3 auth password timeout 30\n` +
      `  user "device" password "${PASSWORD}" is root here\n` +
      `  sslproto "" ${keep ? "keep " : ""}fetchall mda "/bin/sh -c 'cat > ${out}/m.$$'"\n`,
    { mode: 0o600 },
  );
  const r = await run(
    bin("fetchmail") as string,
    ["-f", rc, "--nosyslog", "-N", "-v", "--pidfile", join(tmp, "fm.pid")],
    { HOME: tmp, FETCHMAILHOME: tmp },
  );
  assert.equal(r.status, 0, `${r.out}\n${JSON.stringify(g.logs.slice(-3))}`);
  return files(out);
}

describe("real POP3 clients through upstream: graph (sandbox Graph fake)", () => {
  let g: GraphPop3World;
  let tmp = "";
  before(async () => {
    g = await startGraphPop3World();
  });
  after(async () => {
    await g.stop();
    rmSync(tmp, { recursive: true, force: true });
  });
  beforeEach(() => {
    g.clear();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    tmp = mkdtempSync(join(tmpdir(), "graph-pop3-clients-"));
  });

  it("fetchmail, keep: every message byte for byte (LF endings, fetchmail's Received: in front), none deleted", {
    skip: !bin("fetchmail"),
  }, async () => {
    const msgs = [trickyMessage("fm keep"), msg(1), msg(2)];
    for (const m of msgs) g.deliver(m);
    assertDelivered(await fetchmail(g, tmp, true), msgs.map(lf));
    assert.equal(g.folder("INBOX").length, 3);
  });

  it("fetchmail, delete: fetched, then moved to Deleted Items at QUIT", { skip: !bin("fetchmail") }, async () => {
    const msgs = [msg(3), msg(4)];
    for (const m of msgs) g.deliver(m);
    assertDelivered(await fetchmail(g, tmp, false), msgs.map(lf));
    assert.equal(g.folder("INBOX").length, 0);
    assert.deepEqual(g.folder("Deleted Items"), msgs);
  });

  /** getmail with an external MDA (its Maildir destination refuses to run as root, as tests in a container do). */
  const getmail = async (opts: { readAll: boolean; delete: boolean }): Promise<string> => {
    const dir = join(tmp, "getmail");
    const out = join(tmp, "gm-out");
    mkdirSync(dir, { recursive: true });
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(dir, "getmailrc"),
      "[retriever]\ntype = SimplePOP3Retriever\nserver = 127.0.0.1\n" +
        `port = ${g.port("pop3g")}\nusername = device\npassword = ${PASSWORD}\n\n` +
        "[destination]\ntype = MDA_external\npath = /bin/sh\n" +
        `arguments = ("-c", "cat > ${out}/m.$$$$")\nallow_root_commands = true\n\n` +
        `[options]\nread_all = ${opts.readAll}\ndelete = ${opts.delete}\ndelivered_to = false\nreceived = false\n`,
      { mode: 0o600 },
    );
    const r = await run(bin("getmail") as string, [`--getmaildir=${dir}`, "--rcfile=getmailrc"], { HOME: tmp });
    assert.equal(r.status, 0, `${r.out}\n${JSON.stringify(g.logs.slice(-3))}`);
    return out;
  };

  it("getmail6, keep and new only (read_all = false): the second run fetches only the new message by UIDL", {
    skip: !bin("getmail"),
  }, async () => {
    g.deliver(trickyMessage("gm 1"));
    g.deliver(msg(5));
    const out = await getmail({ readAll: false, delete: false });
    assertDelivered(files(out), [lf(trickyMessage("gm 1")), lf(msg(5))]);
    g.deliver(msg(6));
    rmSync(out, { recursive: true });
    await getmail({ readAll: false, delete: false });
    assertDelivered(files(out), [lf(msg(6))]);
    assert.equal(g.folder("INBOX").length, 3);
  });

  it("getmail6, delete: fetched, then moved to Deleted Items", { skip: !bin("getmail") }, async () => {
    g.deliver(msg(7));
    g.deliver(msg(8));
    assertDelivered(files(await getmail({ readAll: true, delete: true })), [lf(msg(7)), lf(msg(8))]);
    assert.equal(g.folder("INBOX").length, 0);
    assert.deepEqual(g.folder("Deleted Items"), [msg(7), msg(8)]);
  });
});

/** poplib: RETR everything, DELE if asked, QUIT; prints the messages and the LIST sizes. */
const POPLIB_PY = `
import json, os, poplib
a = json.loads(os.environ["ARGS"])
p = poplib.POP3("127.0.0.1", a["port"], timeout=60)
p.user(a["user"])
p.pass_(a["password"])
n = p.stat()[0]
sizes = [int(l.split()[1]) for l in p.list()[1]]
msgs = []
for i in range(1, n + 1):
    msgs.append((b"\\r\\n".join(p.retr(i)[1]) + b"\\r\\n").hex())
    if a["dele"]:
        p.dele(i)
p.quit()
print(json.dumps({"sizes": sizes, "msgs": msgs}))
`;

for (const skew of [-40, 300]) {
  describe(`Graph's size estimate ${skew > 0 ? "above" : "below"} the real size (${skew} octets)`, () => {
    let g: GraphPop3World;
    let tmp = "";
    before(async () => {
      g = await startGraphPop3World({ sizeSkew: skew });
      tmp = mkdtempSync(join(tmpdir(), "graph-pop3-skew-"));
    });
    after(async () => {
      await g.stop();
      rmSync(tmp, { recursive: true, force: true });
    });

    it("poplib, delete: LIST shows the estimate, RETR the real bytes, QUIT moves them", async () => {
      g.clear();
      const msgs = [trickyMessage("skew"), msg(9)];
      for (const m of msgs) g.deliver(m);
      const r = await runPython(POPLIB_PY, { port: g.port("pop3g"), user: "device", password: PASSWORD, dele: true });
      assert.equal(r.code, 0, r.stderr);
      const o = JSON.parse(r.stdout) as { sizes: number[]; msgs: string[] };
      assert.deepEqual(
        o.sizes,
        msgs.map((m) => m.length + skew),
      );
      assert.deepEqual(
        o.msgs.map((h) => Buffer.from(h, "hex")),
        msgs,
      );
      assert.deepEqual(g.folder("Deleted Items"), msgs);
    });

    it("fetchmail, keep: the messages arrive whole although LIST's size differs", {
      skip: !bin("fetchmail"),
    }, async () => {
      g.clear();
      const msgs = [trickyMessage("skew fm"), msg(10)];
      for (const m of msgs) g.deliver(m);
      assertDelivered(await fetchmail(g, tmp, true), msgs.map(lf));
    });
  });
}
