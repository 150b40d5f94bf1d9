/**
 * fetchmail (Debian package) as `nobody`: no OAuth mechanism (6.4), so USER/PASS with the Dovecot password; it hands
 * each message to an MDA (a shell writing tmp/ then renaming into new/: one sh + cat + mv per message).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dropDir } from "../env.js";
import { mustSucceed, run } from "../proc.js";
import { countMaildir } from "./store-count.js";
import { assertCount, type Peer } from "./types.js";

export function fetchmailVersion(): string {
  try {
    const out = execFileSync("fetchmail", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return /release ([^\s+]+)/.exec(out)?.[1] ?? "unknown";
  } catch (err) {
    const out = String((err as { stdout?: string }).stdout ?? "");
    return /release ([^\s+]+)/.exec(out)?.[1] ?? "not installed";
  }
}

export function fetchmailPeer(): Peer {
  const name = `fetchmail ${fetchmailVersion()} (POP3)`;
  return {
    id: "fetchmail",
    label: name,
    protocol: "pop3",
    note: "USER/PASS with the Dovecot password (fetchmail 6.4 has no XOAUTH2), keep + fetchall, --mda 'cat > tmp/m$$ && mv tmp/m$$ new/m$$' (no fsync); TLS verified against the test CA (name checked as localhost: fetchmail does not match IP SANs)",
    async run(env, t) {
      const home = env.freshDir("fetchmail", "nobody");
      const md = join(home, "Maildir");
      for (const d of ["", "new", "cur", "tmp"]) mkdirSync(join(md, d), { recursive: true });
      const rc = join(home, ".fetchmailrc");
      const mda = `cat > ${md}/tmp/m$$ && mv ${md}/tmp/m$$ ${md}/new/m$$`;
      writeFileSync(
        rc,
        `set no syslog\n` +
          `poll ${t.host} service ${t.port} protocol pop3 auth password timeout 120\n` +
          `  user "${t.mailbox}" there with password "${t.password}" is nobody here\n` +
          `  options ssl sslcertfile "${env.caFile}" sslcertck sslcommonname localhost keep fetchall no rewrite\n` +
          `  mda "${mda}"\n`,
        { mode: 0o600 },
      );
      execFileSync("chown", ["-R", "nobody:nogroup", home]);
      const r = mustSucceed(
        name,
        await run("fetchmail", ["-f", rc, "--idfile", join(home, ".fetchids"), "--silent"], {
          asNobody: true,
          env: { HOME: home },
        }),
      );
      assertCount(name, countMaildir(md), t.messages);
      dropDir(home);
      return r.ms;
    },
  };
}
