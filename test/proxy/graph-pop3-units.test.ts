/**
 * POP3 over Graph, the pure parts: the multi-line data encoder (dot-stuffing, CRLF, TOP) across any chunking, the
 * UIDL mapping, Graph's size estimate in a listing, the POP3 replies for Graph failures, and the config.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { XoauthError } from "../../src/errors.js";
import "../../src/i18n/catalogs.js";
import { parseMessageList } from "../../src/graph/messages.js";
import { parseProxySection, resolveListeners } from "../../src/proxy/config.js";
import { uidlOf } from "../../src/proxy/upstream/graph-pop3-maildrop.js";
import { measureMime, Pop3DataEncoder } from "../../src/proxy/upstream/graph-pop3-mime.js";
import { graphPop3FailureReply } from "../../src/proxy/upstream/graph-replies.js";

/** Encodes `input` cut into chunks of `size` bytes; returns the data as sent (terminator included) and the octets. */
function encode(input: string, size: number, top?: number): { data: string; octets: number } {
  const enc = new Pop3DataEncoder(top);
  const buf = Buffer.from(input, "latin1");
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) {
    const r = enc.push(buf.subarray(i, i + size));
    parts.push(r.out);
    if (r.done) break;
  }
  parts.push(enc.end());
  return { data: Buffer.concat(parts).toString("latin1"), octets: enc.octets };
}

const EVERY_CHUNKING = [1, 2, 3, 7, 64 * 1024];

describe("Pop3DataEncoder (RFC 1939 section 3)", () => {
  it("doubles a leading dot, keeps CRLF, ends with CRLF.CRLF; octets count the message without the stuffing", () => {
    const msg = "Subject: x\r\n\r\n.one\r\n..two\r\n.\r\nmid.dot\r\n";
    for (const size of EVERY_CHUNKING) {
      const r = encode(msg, size);
      assert.equal(r.data, "Subject: x\r\n\r\n..one\r\n...two\r\n..\r\nmid.dot\r\n.\r\n", `chunk ${size}`);
      assert.equal(r.octets, Buffer.byteLength(msg));
    }
  });

  it("a bare LF becomes CRLF (also when CR and LF arrive in different chunks); a bare CR stays", () => {
    for (const size of EVERY_CHUNKING) {
      const r = encode("a\nb\r\nc\rd\n.e\n", size);
      assert.equal(r.data, "a\r\nb\r\nc\rd\r\n..e\r\n.\r\n", `chunk ${size}`);
      assert.equal(r.octets, "a\r\nb\r\nc\rd\r\n.e\r\n".length);
    }
  });

  it("a message without a final line end gets CRLF before the terminator (counted); an empty one is just '.'", () => {
    assert.deepEqual(encode("x: y\r\n\r\nlast", 3), { data: "x: y\r\n\r\nlast\r\n.\r\n", octets: 14 });
    assert.deepEqual(encode("x: y\r\n\r\nlast\r", 3), { data: "x: y\r\n\r\nlast\r\n.\r\n", octets: 14 });
    assert.deepEqual(encode("", 3), { data: ".\r\n", octets: 0 });
  });

  it("TOP n: the headers, the blank line and n body lines, stuffed; stops early; n beyond the body is all of it", () => {
    const msg = "A: 1\r\nB: 2\r\n\r\n.l1\r\nl2\r\nl3\r\n";
    for (const size of EVERY_CHUNKING) {
      assert.equal(encode(msg, size, 0).data, "A: 1\r\nB: 2\r\n\r\n.\r\n");
      assert.equal(encode(msg, size, 2).data, "A: 1\r\nB: 2\r\n\r\n..l1\r\nl2\r\n.\r\n");
      assert.equal(encode(msg, size, 99).data, `${msg.replace(".l1", "..l1")}.\r\n`);
      assert.equal(encode("A: 1\nB: 2\n\nb1\nb2\n", size, 1).data, "A: 1\r\nB: 2\r\n\r\nb1\r\n.\r\n");
    }
    const r = new Pop3DataEncoder(1).push(Buffer.from("A: 1\r\n\r\nb1\r\nb2\r\n"));
    assert.equal(r.done, true);
    assert.equal(encode("A: 1\r\nB: 2\r\n", 4, 0).data, "A: 1\r\nB: 2\r\n.\r\n", "no body: the headers");
  });

  it("measureMime gives the LIST size of a stream: CRLF lines, no stuffing", async () => {
    const stream = Readable.from([Buffer.from("a\n.b"), Buffer.from("\r\nc")]);
    assert.equal(await measureMime(stream), "a\r\n.b\r\nc\r\n".length);
  });
});

describe("UIDL from the immutable id (RFC 1939 section 7)", () => {
  it("1-70 characters 0x21-0x7E, the same for the same id, different for different ids", () => {
    const id = `AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A${"x".repeat(120)}=`;
    const u = uidlOf(id);
    assert.match(u, /^[\x21-\x7e]{1,70}$/);
    assert.equal(u.length, 43);
    assert.equal(uidlOf(id), u);
    assert.notEqual(uidlOf(`${id}A`), u);
  });
});

describe("Graph's size estimate in a listing (PR_MESSAGE_SIZE as an extended property)", () => {
  it("is read from singleValueExtendedProperties however Graph writes the id; absent or malformed: no size", () => {
    const list = parseMessageList(
      {
        value: [
          { id: "A", singleValueExtendedProperties: [{ id: "Integer 0xe08", value: "2048" }] },
          { id: "B", singleValueExtendedProperties: [{ id: "Integer 0x0E08", value: "7" }] },
          { id: "C" },
          { id: "D", singleValueExtendedProperties: [{ id: "Integer 0xe08", value: "-1" }] },
        ],
      },
      "m@x",
    );
    assert.deepEqual(
      list.map((m) => m.size),
      [2048, 7, undefined, undefined],
    );
  });
});

describe("POP3 replies for Graph failures after login (one table with the SMTP listener)", () => {
  const err = (code: ConstructorParameters<typeof XoauthError>[0]) =>
    new XoauthError(code, "x", { details: { params: { requestId: "rid-1" } } });
  it("[SYS/TEMP] for throttling and outages, [SYS/PERM] for permissions, plain -ERR otherwise", () => {
    assert.match(
      graphPop3FailureReply(err("THROTTLED"), "Message 1 not sent"),
      /^-ERR \[SYS\/TEMP\] Message 1 not sent: .*\(THROTTLED, request-id rid-1\)$/,
    );
    assert.match(graphPop3FailureReply(err("MAIL_SERVER_UNREACHABLE"), "w"), /^-ERR \[SYS\/TEMP\] /);
    assert.match(
      graphPop3FailureReply(err("GRAPH_PERMISSION_MISSING"), "w"),
      /^-ERR \[SYS\/PERM\] .*GRAPH_PERMISSION_MISSING/,
    );
    assert.match(graphPop3FailureReply(err("PROTOCOL_ERROR"), "w"), /^-ERR w: Microsoft Graph failed \(PROTOCOL_ERROR/);
  });
});

describe("proxy config: upstream: graph on POP3 listeners", () => {
  const HASH = "scrypt$1024$8$1$mKxiDbR3gJ3CuTQ4YgBEkg==$wpn4N+cAdup6UMFQJ1g3Q6YSH0fFARo/9slgO1I9z7U=";
  const resolve = (listener: Record<string, unknown>) =>
    resolveListeners(
      parseProxySection({
        listeners: [{ name: "erp", listen: { port: 1110 }, ...listener }],
        users: [{ username: "erp", passwordHash: HASH, account: "shop" }],
      }),
      new Set(["shop"]),
    );

  it("defaults to the Inbox and Deleted Items; folder and deleteTo are taken", () => {
    assert.deepEqual(resolve({ protocol: "pop3", upstream: "graph" })[0]?.upstream, {
      host: "outlook.office365.com",
      port: 995,
      tls: "implicit",
      graph: true,
      folder: "inbox",
      deleteTo: "deleteditems",
    });
    const l = resolve({ protocol: "pop3", upstream: "graph", folder: "Inbox/Scans", deleteTo: "Archive" })[0];
    assert.equal(l?.upstream.folder, "Inbox/Scans");
    assert.equal(l?.upstream.deleteTo, "Archive");
    assert.equal("folder" in (l ?? {}), false, "the folder lives in the upstream target only");
  });

  it("folder or deleteTo anywhere else is CONFIG_INVALID naming the listener", () => {
    for (const l of [
      { protocol: "pop3", folder: "Inbox" },
      { protocol: "smtp", upstream: "graph", deleteTo: "Archive" },
    ]) {
      assert.throws(
        () => resolve(l),
        (e: unknown) =>
          e instanceof XoauthError && e.code === "CONFIG_INVALID" && /"erp": folder and deleteTo/.test(e.message),
      );
    }
  });
});
