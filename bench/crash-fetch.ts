/**
 * The long crash experiment (outside `npm test`): hundreds of SIGKILLs of the built CLI `fetch --delete` against real
 * Dovecot, over POP3 and IMAP, then 0 lost / 0 duplicated (sha256 of every file against the originals), server empty.
 *   node dist/bench/crash-fetch.js [kills per protocol, default 150] [messages, default 200] [big messages, default 0]
 * Big messages (3 MB) take the streamed path (socket -> tmp/), so kills also land inside a streamed body.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { killAndResume } from "../test/harness/crash-run.js";
import { deliveredHashes, MAILBOX, sha256, startFetchEnv, tmpFiles } from "../test/harness/fetch-env.js";
import { plainMessage } from "../test/harness/messages.js";

const kills = Number(process.argv[2] ?? 150);
const count = Number(process.argv[3] ?? 200);
const big = Number(process.argv[4] ?? 0);
const env = await startFetchEnv();
try {
  for (const protocol of ["pop3", "imap"] as const) {
    const originals = Array.from({ length: count }, (_, i) =>
      // every (count/big)-th message is 3 MB, spread through the mailbox
      plainMessage(i + 1, big > 0 && i % Math.ceil(count / big) === 1 ? 3_000_000 : 300 + ((i * 7919) % 200_000)),
    );
    for (const m of originals) await env.dc.deliver(MAILBOX, m);
    const md = join(env.dir, `md-${protocol}`);
    const t = Date.now();
    const r = await killAndResume({
      args: env.args(protocol, md, ["--delete", "--batch", "8", "--json"]),
      env: { XOAUTH_MAIL_CACHE_DIR: join(env.dir, "cache") },
      kills,
      minMs: 100,
      maxMs: 1500,
    });
    const got = deliveredHashes(md);
    const want = originals.map(sha256).sort();
    const lost = want.filter((h) => !got.includes(h)).length;
    const dup = got.length - new Set(got).size;
    const check = await env.cli(env.args(protocol, join(env.dir, `check-${protocol}`), ["--json"]));
    const left = JSON.parse(check.stdout).fetched as number;
    console.log(
      `${protocol}: ${r.kills} kills, ${r.runs} runs, ${count} messages: lost ${lost}, duplicated ${dup}, ` +
        `left on server ${left}, tmp files ${tmpFiles(md).length}, ${((Date.now() - t) / 1000).toFixed(0)} s`,
    );
    assert.deepEqual(got, want);
    assert.equal(left, 0);
  }
} finally {
  await env.stop();
}
