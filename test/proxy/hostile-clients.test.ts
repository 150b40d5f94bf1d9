/** The proxy against clients that misbehave: overlong lines, garbage, wrong order, literals, limits, timeouts. */
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, it } from "node:test";
import type { ResolvedListener } from "../../src/proxy/config.js";
import type { ProxyLogRecord } from "../../src/proxy/log.js";
import { type ProxyServer, startProxy } from "../../src/proxy/server.js";
import type { UpstreamLoginRequest } from "../../src/proxy/types.js";
import { rawConnect } from "../harness/proxy/raw-client.js";
import { countingTokens, LOCAL_PASSWORD, LOCAL_USER, localHash } from "../harness/proxy/test-proxy.js";

const b64 = (s: string): string => Buffer.from(s).toString("base64");

let echo: net.Server;
let proxy: ProxyServer;
const logs: ProxyLogRecord[] = [];
const logins: UpstreamLoginRequest[] = [];
const tokens = countingTokens(async () => "not-used");

function listener(name: string, protocol: ResolvedListener["protocol"], maxConnections = 50): ResolvedListener {
  return {
    name,
    protocol,
    listen: { host: "127.0.0.1", port: 0 },
    localTls: "none",
    maxConnections,
    upstream: { host: "127.0.0.1", port: 1, tls: "implicit" },
  };
}
const port = (name: string): number => proxy.listeners.find((l) => l.name === name)?.port ?? 0;

before(async () => {
  // Upstream stand-in: an echo server behind a stub UpstreamLogin, so the pipe can be checked byte for byte.
  echo = net.createServer((s) => {
    s.on("error", () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, "127.0.0.1", () => r()));
  const echoPort = (echo.address() as net.AddressInfo).port;
  proxy = await startProxy({
    listeners: [
      listener("pop3", "pop3"),
      listener("imap", "imap"),
      listener("smtp", "smtp"),
      listener("tiny", "pop3", 1),
    ],
    users: [
      { username: LOCAL_USER, passwordHash: await localHash(), account: { name: "main", mailbox: "m@x.test", tokens } },
    ],
    upstream: {
      async login(req) {
        logins.push(req);
        const socket = net.connect({ host: "127.0.0.1", port: echoPort });
        await new Promise((r) => socket.once("connect", r));
        return {
          socket,
          leftover: Buffer.from("* 1 EXISTS\r\n"),
          successText: "+OK upstream says hi",
          capabilities: ["IMAP4rev1", "AUTH=XOAUTH2", "AUTH=PLAIN", "SASL-IR", "IDLE", "UIDPLUS"],
        };
      },
    },
    logger: (r) => logs.push(r),
    authFailureDelayMs: 0,
    loginTimeoutMs: 700,
    maxLineBytes: 1024,
  });
});
after(async () => {
  await proxy.close(500);
  await new Promise<void>((r) => echo.close(() => r()));
});

it("POP3: an overlong line before login gets -ERR and the connection is closed", async () => {
  const c = await rawConnect(port("pop3"));
  await c.waitFor(/^\+OK/);
  c.send(`USER ${"a".repeat(5000)}\r\n`);
  assert.match(await c.closed(), /-ERR Line too long\.\r\n$/);
});

it("POP3: garbage, commands before login and PASS without USER are answered, not crashed on", async () => {
  const c = await rawConnect(port("pop3"));
  await c.waitFor(/^\+OK/);
  c.send("\x00\xff\xfe garbage\r\nSTAT\r\nRETR 1\r\nPASS x\r\nAUTH CRAM-MD5\r\nAUTH PLAIN !!!notbase64\r\nAUTH\r\n");
  const got = await c.waitFor(/\+OK\r\nPLAIN\r\nLOGIN\r\n\.\r\n$/);
  assert.deepEqual(got.split("\r\n").slice(1, 7), [
    "-ERR Log in first.",
    "-ERR Log in first.",
    "-ERR Log in first.",
    "-ERR USER first.",
    "-ERR Unsupported SASL mechanism.",
    "-ERR Invalid SASL PLAIN response.",
  ]);
  c.send("QUIT\r\n");
  assert.match(await c.closed(), /\+OK Bye\.\r\n$/);
  assert.equal(logins.length, 0);
});

it("POP3: AUTH LOGIN two-step logs in; then bytes pass through unchanged both ways", async () => {
  const c = await rawConnect(port("pop3"));
  await c.waitFor(/^\+OK/);
  c.send("AUTH LOGIN\r\n");
  await c.waitFor(/\+ VXNlcm5hbWU6\r\n$/);
  c.send(`${b64(LOCAL_USER)}\r\n`);
  await c.waitFor(/\+ UGFzc3dvcmQ6\r\n$/);
  c.send(`${b64(LOCAL_PASSWORD)}\r\n`);
  await c.waitFor(/\+OK upstream says hi\r\n\* 1 EXISTS\r\n$/);
  const binary = Buffer.from([0, 1, 2, 255, 13, 10, 46, 13, 10]);
  c.send(binary);
  const got = await c.waitFor(/\n\.\r\n$/);
  assert.ok(Buffer.from(got, "latin1").subarray(-binary.length).equals(binary));
  c.destroy();
});

it("IMAP: LOGIN with synchronizing and non-synchronizing literals; capabilities rewritten; client tag reused", async () => {
  const c = await rawConnect(port("imap"));
  await c.waitFor(/^\* OK/);
  c.send(`a1 LOGIN {${LOCAL_USER.length}}\r\n`);
  await c.waitFor(/\+ Ready for literal data\r\n$/);
  c.send(`${LOCAL_USER} {${Buffer.byteLength(LOCAL_PASSWORD)}+}\r\n${LOCAL_PASSWORD}\r\n`);
  const got = await c.waitFor(/a1 OK .*\r\n/);
  assert.match(got, /a1 OK \[CAPABILITY IMAP4rev1 IDLE UIDPLUS\] Logged in\.\r\n/);
  c.destroy();
});

it("IMAP: AUTHENTICATE PLAIN with SASL-IR and without; bad tag and unknown commands get BAD", async () => {
  const c = await rawConnect(port("imap"));
  await c.waitFor(/^\* OK/);
  c.send('+bad NOOP\r\n"unterminated\r\nt1 SELECT INBOX\r\nt2 AUTHENTICATE CRAM-MD5\r\nt3 AUTHENTICATE PLAIN\r\n');
  await c.waitFor(/\+ \r\n$/);
  c.send("*\r\n");
  await c.waitFor(/t3 BAD AUTHENTICATE cancelled\.\r\n$/);
  c.send(`t4 AUTHENTICATE PLAIN ${b64(`\0${LOCAL_USER}\0wrong`)}\r\n`);
  await c.waitFor(/t4 NO \[AUTHENTICATIONFAILED\]/);
  c.send(`t5 AUTHENTICATE PLAIN ${b64(`\0${LOCAL_USER}\0${LOCAL_PASSWORD}`)}\r\n`);
  const got = await c.waitFor(/t5 OK/);
  assert.deepEqual(got.split("\r\n").slice(1, 6), [
    "* BAD Invalid tag.",
    "* BAD Unterminated quoted string.",
    "t1 BAD Command not valid before login.",
    "t2 NO Unsupported authentication mechanism.",
    "+ ",
  ]);
  c.destroy();
});

it("IMAP: a literal larger than the limit is refused without reading it", async () => {
  const c = await rawConnect(port("imap"));
  await c.waitFor(/^\* OK/);
  c.send("a LOGIN {999999999}\r\n");
  await c.waitFor(/a BAD Literal too large/);
  c.destroy();
});

it("SMTP: no relay before AUTH, AUTH needs EHLO, bad mechanisms refused", async () => {
  const before = logins.length;
  const c = await rawConnect(port("smtp"));
  await c.waitFor(/^220 /);
  c.send(
    "AUTH PLAIN\r\nEHLO client.test\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\nAUTH CRAM-MD5\r\nXYZZY\r\n",
  );
  const got = await c.waitFor(/502 5\.5\.2 .*\r\n$/);
  const lines = got.split("\r\n");
  assert.equal(lines[1], "503 5.5.1 Send EHLO first.");
  assert.ok(lines.includes("250 AUTH PLAIN LOGIN"));
  assert.equal(lines.filter((l) => l === "530 5.7.0 Authentication required.").length, 3);
  assert.ok(lines.includes("504 5.5.4 Unrecognized authentication type."));
  c.send("QUIT\r\n");
  await c.closed();
  assert.equal(logins.length, before, "nothing reached upstream");
});

it("a listener at its connection limit turns the next client away; the first still works", async () => {
  const first = await rawConnect(port("tiny"));
  await first.waitFor(/^\+OK/);
  const second = await rawConnect(port("tiny"));
  assert.match(await second.closed(), /^-ERR \[SYS\/TEMP\] Too many connections/);
  first.send("NOOP\r\n");
  await first.waitFor(/\+OK\r\n$/);
  first.destroy();
});

it("a client that does not log in within the login timeout is told so and disconnected", async () => {
  const c = await rawConnect(port("smtp"));
  await c.waitFor(/^220 /);
  assert.match(await c.closed(), /\r\n421 4\.4\.2 Login timeout, closing connection\.\r\n$/);
  assert.ok(logs.some((l) => l.event === "login-timeout" && l.listener === "smtp"));
});

it("IMAP: the login timeout sends * BYE before the close (also while a command is half sent)", async () => {
  const c = await rawConnect(port("imap"));
  await c.waitFor(/^\* OK/);
  c.send("a1 LOGIN half");
  assert.match(await c.closed(), /\r\n\* BYE Login timeout, closing connection\.\r\n$/);
});

it("logs never contain the password", () => {
  const text = JSON.stringify(logs);
  assert.ok(!text.includes(LOCAL_PASSWORD));
  assert.ok(!text.includes(b64(LOCAL_PASSWORD)));
  assert.ok(logs.some((l) => l.outcome === "local-reject"));
});

it("the empty initial response `=` (RFC 4954, 4959, 5034) gets an empty challenge and the next line is the response", async () => {
  const plain = b64(`\0${LOCAL_USER}\0${LOCAL_PASSWORD}`);
  const pop3 = await rawConnect(port("pop3"));
  await pop3.waitFor(/^\+OK/);
  pop3.send("AUTH PLAIN =\r\n");
  await pop3.waitFor(/\r\n\+ \r\n$/);
  pop3.send(`${plain}\r\n`);
  await pop3.waitFor(/\+OK upstream says hi\r\n/);
  pop3.destroy();

  const imap = await rawConnect(port("imap"));
  await imap.waitFor(/^\* OK/);
  imap.send("a1 AUTHENTICATE PLAIN =\r\n");
  await imap.waitFor(/\r\n\+ \r\n$/);
  imap.send(`${plain}\r\n`);
  await imap.waitFor(/a1 OK \[CAPABILITY [^\]]*\] Logged in\.\r\n/);
  imap.destroy();

  const smtp = await rawConnect(port("smtp"));
  await smtp.waitFor(/^220 /);
  // LOGIN's initial response is the user name: `=` (curl's `-u :password`) is an empty one, refused at once.
  smtp.send("EHLO client.test\r\nAUTH LOGIN =\r\n");
  await smtp.waitFor(/\r\n501 5\.5\.2 Invalid base64 data\.\r\n$/);
  smtp.send("AUTH PLAIN =\r\n");
  await smtp.waitFor(/\r\n334 \r\n$/);
  smtp.send(`${plain}\r\n`);
  await smtp.waitFor(/235 2\.7\.0 /);
  smtp.destroy();
});

it("IMAP: ID before login (RFC 2971) gets `* ID NIL` and OK, with a list or NIL", async () => {
  const c = await rawConnect(port("imap"));
  await c.waitFor(/^\* OK/);
  c.send('i1 ID ("name" "Thunderbird" "version" "128.0")\r\ni2 ID NIL\r\n');
  const got = await c.waitFor(/i2 OK .*\r\n$/);
  assert.deepEqual(got.split("\r\n").slice(1, 5), [
    "* ID NIL",
    "i1 OK ID completed.",
    "* ID NIL",
    "i2 OK ID completed.",
  ]);
  c.send("i3 LOGOUT\r\n");
  await c.closed();
});
