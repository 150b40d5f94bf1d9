/** `upstream: graph` in the proxy config, and the SMTP replies for Graph's answers (by error code). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { XoauthError } from "../../src/errors.js";
import "../../src/i18n/catalogs.js";
import { parseProxySection, resolveListeners } from "../../src/proxy/config.js";
import { pathArg } from "../../src/proxy/upstream/graph-relay.js";
import { graphFailureReply } from "../../src/proxy/upstream/graph-replies.js";

const HASH = "scrypt$1024$8$1$mKxiDbR3gJ3CuTQ4YgBEkg==$wpn4N+cAdup6UMFQJ1g3Q6YSH0fFARo/9slgO1I9z7U=";

function section(listener: Record<string, unknown>, user: Record<string, unknown> = {}) {
  return parseProxySection({
    listeners: [{ name: "scanner", listen: { port: 2525 }, ...listener }],
    users: [{ username: "scanner", passwordHash: HASH, account: "shop", ...user }],
  });
}

describe("proxy config: upstream: graph", () => {
  it("an SMTP listener with upstream: graph resolves to a Graph target; sendAs is kept", () => {
    const s = section({ protocol: "smtp", upstream: "graph" }, { sendAs: ["scans@contoso.example"] });
    const [l] = resolveListeners(s, new Set(["shop"]));
    assert.equal(l?.upstream.graph, true);
    assert.deepEqual(s.users[0]?.sendAs, ["scans@contoso.example"]);
  });

  it("upstream: graph on an IMAP listener is CONFIG_INVALID naming the listener (POP3: graph-pop3-units)", () => {
    const s = section({ protocol: "imap", upstream: "graph" });
    assert.throws(
      () => resolveListeners(s, new Set(["shop"])),
      (e: unknown) =>
        e instanceof XoauthError &&
        e.code === "CONFIG_INVALID" &&
        /"scanner": upstream: graph .*not for IMAP/.test(e.message),
    );
  });

  it("a sendAs entry that is not an address is CONFIG_INVALID", () => {
    assert.throws(
      () => section({ protocol: "smtp", upstream: "graph" }, { sendAs: ["not an address"] }),
      (e: unknown) => e instanceof XoauthError && e.code === "CONFIG_INVALID" && /sendAs/.test(e.message),
    );
  });
});

describe("SMTP replies for Graph's answers", () => {
  const err = (code: ConstructorParameters<typeof XoauthError>[0]) =>
    new XoauthError(code, "x", { details: { params: { requestId: "rid-1" } } });
  it("maps each kind to its reply code, with the code and Graph's request-id", () => {
    assert.equal(graphFailureReply(err("SEND_AS_DENIED")).slice(0, 9), "550 5.7.1");
    assert.equal(graphFailureReply(err("GRAPH_PERMISSION_MISSING")).slice(0, 9), "550 5.7.1");
    assert.equal(graphFailureReply(err("MESSAGE_TOO_LARGE")).slice(0, 9), "552 5.3.4");
    assert.equal(graphFailureReply(err("THROTTLED")).slice(0, 9), "451 4.4.5");
    assert.equal(graphFailureReply(err("MAIL_SERVER_UNREACHABLE")).slice(0, 9), "451 4.4.1");
    assert.equal(graphFailureReply(err("TIMEOUT")).slice(0, 9), "451 4.4.1");
    assert.equal(graphFailureReply(err("GRAPH_ERROR")).slice(0, 9), "554 5.3.0");
    assert.match(graphFailureReply(err("SEND_AS_DENIED")), /\(SEND_AS_DENIED, request-id rid-1\)$/);
  });

  it("MAIL FROM / RCPT TO paths: address and parameters; malformed is undefined", () => {
    assert.deepEqual(pathArg("FROM:<a@b.example> SIZE=100", "FROM"), { addr: "a@b.example", params: "SIZE=100" });
    assert.deepEqual(pathArg("to: <x@y.example>", "TO"), { addr: "x@y.example", params: "" });
    assert.equal(pathArg("FROM:a@b.example", "FROM"), undefined);
  });
});
