/**
 * The Exchange Online authorization model of the fake (admin setup: docs/exchange-behaviour.md section 5): mailboxes with per-protocol switches,
 * service principals registered with `New-ServicePrincipal`, FullAccess (`Add-MailboxPermission`) and SendAs
 * (`Add-RecipientPermission`) grants, and the tenant-wide SMTP AUTH switch; for Graph also users without a mailbox,
 * RBAC for Applications assignments and Application Access Policies.
 */
import { randomUUID } from "node:crypto";

/** One message in a mailbox folder. `uid` is assigned by the directory, strictly increasing per folder. */
export interface StoredMessage {
  uid: number;
  raw: Buffer;
  flags: Set<string>;
  internalDate: Date;
}

export interface FakeMailbox {
  /** Primary SMTP address, what XOAUTH2 `user=` must name. */
  address: string;
  /** The user's Entra object ID (Graph accepts `/users/{objectId}` as well as the address). */
  objectId: string;
  aliases?: string[];
  /** `Set-CASMailbox -PopEnabled`. */
  popEnabled: boolean;
  /** `Set-CASMailbox -ImapEnabled`. */
  imapEnabled: boolean;
  /** `Set-CASMailbox -SmtpClientAuthenticationDisabled` inverted; undefined = follow the tenant setting. */
  smtpClientAuthEnabled?: boolean;
  /** Folder name -> messages. Always has INBOX. */
  folders: Map<string, StoredMessage[]>;
  uidValidity: number;
  /** Next UID per folder. */
  uidNext: Map<string, number>;
}

/** A user of the tenant without an Exchange Online mailbox (no licence): Graph answers MailboxNotEnabledForRESTAPI. */
export interface MailboxlessUser {
  address: string;
  objectId: string;
}

/**
 * RBAC for Applications: `New-ManagementRoleAssignment -App <sp> -Role "Application Mail.Read" [-CustomResourceScope
 * <scope>]`; `scope` lists the mailboxes the management scope's RecipientRestrictionFilter matches (undefined: the
 * whole organisation). Grants do not appear in the token's `roles`
 * (https://learn.microsoft.com/en-us/exchange/permissions-exo/application-rbac).
 */
export interface AppRoleAssignment {
  spObjectId: string;
  /** `Application Mail.Read`, `Application Mail.ReadBasic`, `Application Mail.ReadWrite`, `Application Mail.Send`, `Application Mail Full Access`. */
  role: string;
  scope?: string[];
}

/**
 * `New-ApplicationAccessPolicy -AppId <appId> -PolicyScopeGroupId <group> -AccessRight RestrictAccess|DenyAccess`:
 * limits what the app's Entra application permissions reach (https://learn.microsoft.com/en-us/graph/auth-limit-mailbox-access).
 */
export interface ApplicationAccessPolicy {
  appId: string;
  accessRight: "RestrictAccess" | "DenyAccess";
  /** The mail-enabled security group's members (addresses). */
  groupMembers: string[];
}

/** A service principal as `New-ServicePrincipal -AppId <appId> -ObjectId <objectId>` registered it. */
export interface ExchangeServicePrincipal {
  appId: string;
  objectId: string;
  displayName?: string;
}

export interface ExchangeTenant {
  tenantId: string;
  /** `Set-TransportConfig -SmtpClientAuthenticationDisabled $true`. */
  smtpClientAuthenticationDisabled: boolean;
}

/** Failure toggles for tests (behaviour seen in the field, not caused by configuration). */
export interface DirectoryToggles {
  /** IMAP: authenticate succeeds, then LIST/SELECT answer "User is authenticated but not connected." for everyone. */
  notConnectedAfterAuth: boolean;
}

export const DEFAULT_FOLDERS: readonly string[] = ["INBOX", "Drafts", "Sent Items", "Deleted Items"];

const norm = (s: string): string => s.trim().toLowerCase();

export interface MailboxInit {
  address: string;
  objectId?: string;
  aliases?: string[];
  popEnabled?: boolean;
  imapEnabled?: boolean;
  smtpClientAuthEnabled?: boolean;
  messages?: Buffer[];
}

type Listener = (mailbox: FakeMailbox, folder: string, msg: StoredMessage) => void;

export class ExchangeDirectory {
  readonly tenant: ExchangeTenant;
  readonly mailboxes: FakeMailbox[] = [];
  readonly servicePrincipals: ExchangeServicePrincipal[] = [];
  /** FullAccess grants: `${spObjectId}|${mailbox}` (both lower-case). */
  private readonly fullAccess = new Set<string>();
  /** SendAs grants: `${spObjectId}|${mailbox}`. */
  private readonly sendAs = new Set<string>();
  private readonly listeners = new Set<Listener>();
  readonly toggles: DirectoryToggles = { notConnectedAfterAuth: false };
  /** Users without a mailbox (Graph). */
  readonly mailboxlessUsers: MailboxlessUser[] = [];
  /** RBAC for Applications role assignments (Graph). */
  readonly appRoleAssignments: AppRoleAssignment[] = [];
  /** Application Access Policies (Graph). */
  readonly accessPolicies: ApplicationAccessPolicy[] = [];

  constructor(tenant: { tenantId: string; smtpClientAuthenticationDisabled?: boolean }) {
    this.tenant = {
      tenantId: tenant.tenantId,
      smtpClientAuthenticationDisabled: !!tenant.smtpClientAuthenticationDisabled,
    };
  }

  addMailbox(init: MailboxInit): FakeMailbox {
    if (this.findMailbox(init.address)) throw new Error(`mailbox exists: ${init.address}`);
    const mb: FakeMailbox = {
      address: init.address,
      objectId: init.objectId ?? randomUUID(),
      aliases: init.aliases ?? [],
      popEnabled: init.popEnabled ?? true,
      imapEnabled: init.imapEnabled ?? true,
      smtpClientAuthEnabled: init.smtpClientAuthEnabled,
      folders: new Map(DEFAULT_FOLDERS.map((f) => [f, []])),
      uidValidity: 1 + Math.floor(Math.random() * 0x7ffffff),
      uidNext: new Map(DEFAULT_FOLDERS.map((f) => [f, 1])),
    };
    this.mailboxes.push(mb);
    for (const raw of init.messages ?? []) this.deliver(mb.address, raw);
    return mb;
  }

  /** Finds a mailbox by its primary address, an alias or (Graph) the user's object ID (case-insensitive). */
  findMailbox(address: string): FakeMailbox | undefined {
    const k = norm(address);
    return this.mailboxes.find(
      (m) => norm(m.address) === k || norm(m.objectId) === k || (m.aliases ?? []).some((a) => norm(a) === k),
    );
  }

  /** A user of the tenant that has no mailbox, by address or object ID. */
  findMailboxlessUser(idOrAddress: string): MailboxlessUser | undefined {
    const k = norm(idOrAddress);
    return this.mailboxlessUsers.find((u) => norm(u.address) === k || norm(u.objectId) === k);
  }

  /** RBAC for Applications roles of this service principal that cover `mailbox` (its scope includes it). */
  appRolesFor(spObjectId: string, mailbox: string): string[] {
    const mb = norm(this.primary(mailbox));
    return this.appRoleAssignments
      .filter((a) => norm(a.spObjectId) === norm(spObjectId))
      .filter((a) => a.scope === undefined || a.scope.some((m) => norm(this.primary(m)) === mb))
      .map((a) => a.role);
  }

  /** `Test-ApplicationAccessPolicy`: false when a policy of this app keeps it away from the mailbox. */
  accessPolicyAllows(appId: string, mailbox: string): boolean {
    const mb = norm(this.primary(mailbox));
    const policies = this.accessPolicies.filter((p) => norm(p.appId) === norm(appId));
    return policies.every((p) => {
      const member = p.groupMembers.some((m) => norm(this.primary(m)) === mb);
      return p.accessRight === "RestrictAccess" ? member : !member;
    });
  }

  /** `New-ServicePrincipal -AppId -ObjectId`. */
  registerServicePrincipal(sp: ExchangeServicePrincipal): void {
    this.servicePrincipals.push({ ...sp });
  }

  /** Exchange matches the token's appid AND oid: registering the App Registration's object id fails here. */
  findServicePrincipal(appId: string | undefined, objectId: string | undefined): ExchangeServicePrincipal | undefined {
    if (!appId || !objectId) return undefined;
    return this.servicePrincipals.find((s) => norm(s.appId) === norm(appId) && norm(s.objectId) === norm(objectId));
  }

  /** `Add-MailboxPermission -Identity <mailbox> -User <sp objectId> -AccessRights FullAccess`. */
  grantFullAccess(spObjectId: string, mailbox: string): void {
    this.fullAccess.add(`${norm(spObjectId)}|${norm(this.primary(mailbox))}`);
  }

  revokeFullAccess(spObjectId: string, mailbox: string): void {
    this.fullAccess.delete(`${norm(spObjectId)}|${norm(this.primary(mailbox))}`);
  }

  /** `Add-RecipientPermission -Identity <mailbox> -Trustee <sp> -AccessRights SendAs`. */
  grantSendAs(spObjectId: string, mailbox: string): void {
    this.sendAs.add(`${norm(spObjectId)}|${norm(this.primary(mailbox))}`);
  }

  revokeSendAs(spObjectId: string, mailbox: string): void {
    this.sendAs.delete(`${norm(spObjectId)}|${norm(this.primary(mailbox))}`);
  }

  hasFullAccess(spObjectId: string, mailbox: string): boolean {
    return this.fullAccess.has(`${norm(spObjectId)}|${norm(this.primary(mailbox))}`);
  }

  hasSendAs(spObjectId: string, mailbox: string): boolean {
    return this.sendAs.has(`${norm(spObjectId)}|${norm(this.primary(mailbox))}`);
  }

  /** SMTP AUTH for this mailbox: the mailbox setting wins over the tenant's (like Set-CASMailbox). */
  smtpAuthEnabledFor(mb: FakeMailbox): boolean {
    return mb.smtpClientAuthEnabled ?? !this.tenant.smtpClientAuthenticationDisabled;
  }

  /**
   * Appends a message to a folder and notifies IDLE listeners. `owned`: the buffer is the caller's to give away and
   * is stored without a copy (bulk seeding, moves).
   */
  deliver(address: string, raw: Buffer, folder = "INBOX", flags: string[] = [], owned = false): StoredMessage {
    const mb = this.findMailbox(address);
    if (!mb) throw new Error(`no such mailbox: ${address}`);
    const list = mb.folders.get(folder);
    if (!list) throw new Error(`no such folder: ${folder}`);
    const uid = mb.uidNext.get(folder) ?? 1;
    mb.uidNext.set(folder, uid + 1);
    const msg: StoredMessage = {
      uid,
      raw: owned ? raw : Buffer.from(raw),
      flags: new Set(flags),
      internalDate: new Date(),
    };
    list.push(msg);
    for (const l of this.listeners) l(mb, folder, msg);
    return msg;
  }

  onDeliver(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private primary(address: string): string {
    return this.findMailbox(address)?.address ?? address;
  }
}
