/** The server side of SASL the proxy and the sandbox fakes share (src/sasl/server.ts). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAuthArgs, runServerSasl, type ServerMechanismName } from "../../src/sasl/server.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");

/** Runs an exchange against scripted client lines; returns the challenges sent and the result. */
async function run(mech: ServerMechanismName, initial: string | undefined, lines: string[]) {
  const challenges: string[] = [];
  const result = await runServerSasl(
    { challenge: (c) => challenges.push(c), readLine: async () => lines.shift() ?? null },
    mech,
    initial,
  );
  return { challenges, result };
}

describe("AUTH arguments", () => {
  it("reads `=` as an initial response that is present and empty, and refuses extra arguments", () => {
    assert.deepEqual(parseAuthArgs("plain ="), { mech: "PLAIN", initial: "" });
    assert.deepEqual(parseAuthArgs("PLAIN"), { mech: "PLAIN", initial: undefined });
    assert.deepEqual(parseAuthArgs("XOAUTH2 dXNlcj0="), { mech: "XOAUTH2", initial: "dXNlcj0=" });
    assert.equal(parseAuthArgs("PLAIN a b"), undefined);
    assert.equal(parseAuthArgs(""), undefined);
  });
});

describe("server exchange", () => {
  const plain = b64("\0alice\0secret");
  it("PLAIN: an initial response is used at once; `=` or none gets an empty challenge first", async () => {
    assert.deepEqual(await run("PLAIN", plain, []), {
      challenges: [],
      result: { done: true, user: "alice", password: "secret" },
    });
    for (const initial of ["", undefined]) {
      assert.deepEqual(await run("PLAIN", initial, [plain]), {
        challenges: [""],
        result: { done: true, user: "alice", password: "secret" },
      });
    }
  });
  it("LOGIN: the initial response is the user name, so `=` is an empty one: refused before the next line is read", async () => {
    const r = await run("LOGIN", undefined, [b64("alice"), b64("secret")]);
    assert.deepEqual(r.challenges, [b64("Username:"), b64("Password:")]);
    assert.deepEqual(r.result, { done: true, user: "alice", password: "secret" });
    const lines = [b64("the-password")];
    assert.deepEqual(await run("LOGIN", "", lines), { challenges: [], result: { done: true, error: "malformed" } });
    assert.deepEqual(lines, [b64("the-password")], "curl's next line (the password) is not read as a user name");
    assert.deepEqual((await run("LOGIN", undefined, [""])).result, { done: true, error: "malformed" });
  });
  it("XOAUTH2: user and bearer token; cancel with `*`, end of input, junk", async () => {
    const x = b64("user=u@x.test\x01auth=Bearer tok\x01\x01");
    assert.deepEqual((await run("XOAUTH2", "", [x])).result, { done: true, user: "u@x.test", token: "tok" });
    assert.deepEqual((await run("XOAUTH2", undefined, ["*"])).result, { done: true, error: "cancelled" });
    assert.deepEqual((await run("XOAUTH2", undefined, [])).result, { done: true, error: "closed" });
    assert.deepEqual((await run("XOAUTH2", "!!", [])).result, { done: true, error: "malformed" });
  });
});
