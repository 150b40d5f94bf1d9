/**
 * The `init` flow: tenant (shape, then discovery) -> client ID -> credential -> mailbox -> protocol -> token (a rejected
 * credential is explained and asked again) -> `test` -> config file + 0600 secret file -> the admin steps still missing.
 * Values given as flags are not asked; without an Asker (non-interactive) a missing value is a usage error.
 */
import type { Transport } from "../auth/clouds.js";
import { decodeJwt } from "../auth/jwt.js";
import { createTokenProvider, type XoauthTokenProvider } from "../auth/provider.js";
import type { AccessToken } from "../auth/types.js";
import { formatError } from "../cli/output.js";
import type { CredentialSetting } from "../config/credential.js";
import { readBoundedFile } from "../config/secrets.js";
import { formatDiagnosis, formatHeader, formatStep } from "../diagnose/format.js";
import { graphRequestLine } from "../diagnose/request-id.js";
import { claimsJson, runMailTest } from "../diagnose/test-run.js";
import type { Diagnosis } from "../diagnose/types.js";
import { type ErrorCode, exitCodeOf, toXoauthError, XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";
import { markSecret } from "../log/redact.js";
import type { Asker } from "./asker.js";
import { accountExists, writeInitConfig } from "./config-file.js";
import { discoverTenant } from "./discovery.js";
import { checkFlagsFit, graphOptions, scopeOf, testServer } from "./transport.js";
import type { InitAnswers, InitConnection, InitCredential } from "./types.js";
import { certificateProblem, clientIdProblem, mailboxProblem, secretProblem, tenantShapeProblem } from "./validate.js";

export interface InitGiven {
  tenantId?: string | undefined;
  clientId?: string | undefined;
  credential?: InitCredential | undefined;
  mailbox?: string | undefined;
  protocol?: Transport | undefined;
}

export interface InitOptions {
  given: InitGiven;
  conn: InitConnection;
  configPath: string;
  account: string;
  /** Replace an existing account without asking (--yes). */
  overwrite: boolean;
  /** Undefined = non-interactive. */
  asker: Asker | undefined;
  out: (text: string) => void;
  skipTest?: boolean;
}

export interface InitResult {
  configPath: string;
  secretFile: string | undefined;
  answers: InitAnswers;
  diagnosis: Diagnosis | undefined;
  exitCode: number;
}

const MAX_TOKEN_ATTEMPTS = 5;
/** Which answer a token error points at: asked again in interactive mode. */
const REASK: Partial<Record<ErrorCode, "tenant" | "client" | "credential">> = {
  TENANT_NOT_FOUND: "tenant",
  TENANT_INVALID: "tenant",
  APP_NOT_FOUND: "client",
  CLIENT_SECRET_INVALID: "credential",
  CLIENT_SECRET_EXPIRED: "credential",
  CLIENT_CREDENTIAL_MISSING: "credential",
  CERTIFICATE_INVALID: "credential",
};

function missing(what: string, flag: string): XoauthError {
  return new XoauthError("USAGE", t("init.missing.flag", { what, flag }));
}

function valid(problem: string | undefined): void {
  if (problem) throw new XoauthError("USAGE", problem);
}

class Flow {
  constructor(private readonly o: InitOptions) {}

  private say(key: string, params: Record<string, unknown> = {}): void {
    this.o.out(`${t(key, params)}\n`);
  }

  /** Shape, then discovery; returns the tenant GUID when discovery names it. */
  async tenant(reask: boolean): Promise<string> {
    const { asker, conn } = this.o;
    const given = reask ? undefined : this.o.given.tenantId;
    if (given !== undefined || !asker) {
      if (given === undefined) throw missing(t("init.what.tenant"), "--tenant-id");
      valid(tenantShapeProblem(given));
      return this.discovered(given.trim(), (await discoverTenant(given.trim(), conn)).tenantId);
    }
    let found: string | undefined;
    const value = await asker.input(t("init.ask.tenant"), {
      validate: async (v) => {
        const shape = tenantShapeProblem(v);
        if (shape) return shape;
        try {
          found = (await discoverTenant(v.trim(), conn)).tenantId;
          return true;
        } catch (e) {
          return formatError(e).trimEnd();
        }
      },
    });
    return this.discovered(value, found);
  }

  private discovered(value: string, tenantId: string | undefined): string {
    this.say("init.tenant.found", { tenant: value, tenantId: tenantId ?? value });
    return tenantId ?? value;
  }

  async client(reask: boolean): Promise<string> {
    const given = reask ? undefined : this.o.given.clientId;
    if (given !== undefined || !this.o.asker) {
      if (given === undefined) throw missing(t("init.what.client"), "--client-id");
      valid(clientIdProblem(given));
      return given.trim();
    }
    return this.o.asker.input(t("init.ask.client"), { validate: (v) => clientIdProblem(v) ?? true });
  }

  /** `prevKind`: asked again after a rejection, the same kind of credential is asked directly. */
  async credential(reask: boolean, prevKind?: InitCredential["kind"]): Promise<InitCredential> {
    const { asker } = this.o;
    const given = reask ? undefined : this.o.given.credential;
    if (given !== undefined || !asker) {
      if (given === undefined) throw missing(t("init.what.credential"), "--client-secret-file / --certificate");
      if (given.kind === "certificate") valid(certificateProblem(given.path, given.password));
      else valid(secretProblem(given.secret));
      return given;
    }
    const kind: InitCredential["kind"] =
      prevKind ??
      (await asker.select(t("init.ask.credKind"), [
        { name: t("init.cred.secret"), value: "secret" },
        { name: t("init.cred.certificate"), value: "certificate" },
      ]));
    if (kind === "secret") {
      const secret = await asker.secret(t("init.ask.secret"), { validate: (v) => secretProblem(v) ?? true });
      markSecret(secret);
      return { kind, secret };
    }
    const path = await asker.input(t("init.ask.certPath"), { validate: (v) => certificateProblem(v) ?? true });
    const password = (await asker.secret(t("init.ask.certPassword"))) || undefined;
    markSecret(password);
    valid(certificateProblem(path, password));
    return { kind, path, password };
  }

  async mailbox(): Promise<string> {
    const given = this.o.given.mailbox;
    if (given !== undefined || !this.o.asker) {
      if (given === undefined) throw missing(t("init.what.mailbox"), "--mailbox");
      valid(mailboxProblem(given));
      return given.trim();
    }
    return this.o.asker.input(t("init.ask.mailbox"), { validate: (v) => mailboxProblem(v) ?? true });
  }

  /** Without --protocol: graph when --graph-url was given (nothing else uses it), else POP3. */
  async protocol(): Promise<Transport> {
    const fallback: Transport = this.o.conn.graphUrlOverride ? "graph" : "pop3";
    if (this.o.given.protocol || !this.o.asker) return this.o.given.protocol ?? fallback;
    return this.o.asker.select<Transport>(
      t("init.ask.protocol"),
      [
        { name: "POP3 (POP.AccessAsApp)", value: "pop3" },
        { name: "IMAP (IMAP.AccessAsApp)", value: "imap" },
        { name: "SMTP (SMTP.SendAsApp)", value: "smtp" },
        { name: "Microsoft Graph (Mail.Read / Mail.ReadWrite / Mail.Send)", value: "graph" },
      ],
      fallback,
    );
  }

  provider(a: InitAnswers): XoauthTokenProvider {
    const c = this.o.conn;
    return createTokenProvider({
      tenantId: a.tenantId,
      clientId: a.clientId,
      credential:
        a.credential.kind === "secret"
          ? { kind: "secret", secret: a.credential.secret, source: "flag" }
          : certificateSetting(a.credential),
      authorityHost: c.authorityHost,
      scope: scopeOf(c, a.protocol),
      ca: c.ca,
      proxy: c.proxy,
      noProxy: c.noProxy,
      noCache: true,
    });
  }

  /** Gets a token; a rejected tenant / client / credential is explained and asked again (interactive only). */
  async token(a: InitAnswers): Promise<AccessToken> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.provider(a).getToken();
      } catch (e) {
        const err = toXoauthError(e);
        const field = REASK[err.code];
        if (!this.o.asker || !field || attempt >= MAX_TOKEN_ATTEMPTS) throw err;
        this.o.out(formatError(err));
        this.say("init.token.again");
        if (field === "tenant") a.tenantId = await this.tenant(true);
        else if (field === "client") a.clientId = await this.client(true);
        else a.credential = await this.credential(true, a.credential.kind);
      }
    }
  }
}

function certificateSetting(c: Extract<InitCredential, { kind: "certificate" }>): CredentialSetting {
  const pem = readBoundedFile(c.path, "certificate", "--certificate");
  return { kind: "certificate", pem, path: c.path, source: "flag", ...(c.password ? { password: c.password } : {}) };
}

export async function runInit(o: InitOptions): Promise<InitResult> {
  const say = (key: string, params: Record<string, unknown> = {}): void => o.out(`${t(key, params)}\n`);
  if (accountExists(o.configPath, o.account) && !o.overwrite) {
    const replace = o.asker
      ? await o.asker.confirm(t("init.ask.overwrite", { account: o.account, path: o.configPath }), false)
      : false;
    if (!replace) throw new XoauthError("USAGE", t("init.exists", { account: o.account, path: o.configPath }));
  }
  const flow = new Flow(o);
  const tenantId = await flow.tenant(false);
  const clientId = await flow.client(false);
  const credential = await flow.credential(false);
  const mailbox = await flow.mailbox();
  const protocol = await flow.protocol();
  checkFlagsFit(protocol, o.conn);
  const answers: InitAnswers = { tenantId, clientId, credential, mailbox, protocol };

  const tok = await flow.token(answers);
  const claims = claimsJson(decodeJwt(tok.token).claims);
  say("init.token.ok", {
    appid: claims?.appid,
    roles: claims?.roles?.join(", ") || t(protocol === "graph" ? "init.token.noRolesGraph" : "init.token.noRoles"),
    minutes: Math.floor((tok.expiresOn.getTime() - Date.now()) / 60_000),
  });

  let diagnosis: Diagnosis | undefined;
  if (!o.skipTest) {
    const server = testServer(protocol, o.conn);
    o.out(`\n${formatHeader(protocol, mailbox, server)}`);
    const provider = flow.provider(answers);
    const r = await runMailTest({
      protocol,
      mailbox,
      server,
      cloud: o.conn.cloud,
      tenantId,
      clientId,
      scope: scopeOf(o.conn, protocol),
      ...(o.conn.ca ? { ca: o.conn.ca } : {}),
      ...(protocol === "graph" ? { graph: graphOptions(o.conn) } : {}),
      getToken: () => provider.getToken(),
      onStep: (s) => o.out(formatStep(s)),
    });
    diagnosis = r.diagnosis;
    if (r.ok) o.out(formatDiagnosis(r.diagnosis));
  }

  const written = writeInitConfig(o.configPath, o.account, answers, o.conn);
  o.out("\n");
  say("init.written", { path: written.configPath, account: o.account });
  if (written.secretFile) say("init.secretWritten", { path: written.secretFile });
  if (diagnosis && diagnosis.code !== "OK") {
    say("init.missing.title", { code: diagnosis.code, summary: diagnosis.summary });
    for (const f of diagnosis.fix) o.out(`  ${f.split("\n").join("\n  ")}\n`);
    if (diagnosis.requestId) o.out(`${graphRequestLine(diagnosis.requestId)}\n`);
    say("init.missing.then", { path: written.configPath });
  } else {
    say("init.ready", { path: written.configPath });
  }
  const exitCode = diagnosis && diagnosis.code !== "OK" ? exitCodeOf(diagnosis.code) : 0;
  return { configPath: written.configPath, secretFile: written.secretFile, answers, diagnosis, exitCode };
}
