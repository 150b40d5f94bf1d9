/**
 * The Exchange behaviour table for Microsoft Graph: the error answers Graph's mail API gives an app-only client, with
 * their exact HTTP status, `error.code` and `error.message`, what each means, and our diagnosis code. The sandbox's
 * Graph fake answers from these rows, the Graph client classifies by them, and tests and docs/exchange-behaviour.md
 * are built from them: one table for all.
 *
 * Graph's error body: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}` with the
 * headers `request-id` and `client-request-id` (learn.microsoft.com/graph/errors).
 */
import type { ErrorCode } from "../errors.js";
import type { Kind, Source } from "./types.js";

export const GRAPH_SRC = {
  errors: "https://learn.microsoft.com/en-us/graph/errors",
  throttling: "https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits",
  delta: "https://learn.microsoft.com/en-us/graph/delta-query-messages",
  sendMail: "https://learn.microsoft.com/en-us/graph/api/user-sendmail",
  uploadSession: "https://learn.microsoft.com/en-us/graph/api/attachment-createuploadsession",
  rbac: "https://learn.microsoft.com/en-us/exchange/permissions-exo/application-rbac",
  aap: "https://learn.microsoft.com/en-us/graph/auth-limit-mailbox-access",
  immutableId: "https://learn.microsoft.com/en-us/graph/outlook-immutable-id",
  syncState: "https://github.com/microsoftgraph/microsoft-graph-docs/issues/2350",
  sendAsDenied: "https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/7446",
  restApi: "https://github.com/microsoftgraph/msgraph-sdk-javascript/issues/1756",
  itemNotFound: "https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/3606",
  noRecipients: "https://github.com/microsoftgraph/msgraph-sdk-dotnet/issues/1891",
  noRecipientsRelay: "https://github.com/ggpwnkthx/Microsoft-Graph-SMTP-Relay/issues/7",
  idMalformed: "https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/106",
  idMalformedUnencoded: "https://github.com/gaiin-platform/amplify-genai-backend/issues/380",
  contentRange: "https://github.com/microsoftgraph/microsoft-graph-docs/issues/1638",
  meAppOnly: "https://github.com/microsoftgraph/msgraph-sdk-php/issues/1163",
  deserialize: "https://github.com/microsoftgraph/msgraph-sdk-javascript/issues/404",
  deserializeMail: "https://github.com/mguessan/davmail/issues/506",
  folderExists: "https://github.com/alcionai/corso/pull/3278",
} as const;

/** The distinct Graph error answers. */
export type GraphReplyId =
  | "token-empty"
  | "token-expired"
  | "invalid-audience"
  | "access-denied"
  | "aap-blocked"
  | "invalid-user"
  | "mailbox-not-enabled"
  | "item-not-found"
  | "sync-state-not-found"
  | "throttled"
  | "service-unavailable"
  | "gateway-timeout"
  | "mime-invalid-base64"
  | "request-too-large"
  | "send-as-denied"
  | "token-invalid"
  | "invalid-recipients"
  | "id-malformed"
  | "bad-request-segment"
  | "upload-range-invalid"
  | "me-app-only"
  | "body-not-json"
  | "folder-exists";

export interface GraphReplyRow {
  id: GraphReplyId;
  title: string;
  status: number;
  /** `error.code` of the body. */
  code: string;
  /** `error.message`; `{user}`, `{generation}` are filled by whoever answers. */
  message: string;
  /**
   * Our diagnosis code. For `access-denied` it depends on the token: no Mail.* role means GRAPH_PERMISSION_MISSING,
   * a Mail.* role (or an RBAC for Applications grant, which is not in the token) GRAPH_MAILBOX_OUT_OF_SCOPE — see
   * classifyGraphError in src/graph/classify.ts.
   */
  ourCode: ErrorCode;
  kind: Kind;
  /** Sent with a `Retry-After` header (seconds). */
  retryAfter?: boolean;
  /**
   * Several rows share a status and `error.code` (401 InvalidAuthenticationToken, 403 ErrorAccessDenied): when the
   * message is none of their exact texts (Graph words the same meaning differently over time and per service), this
   * matches the meaning; without a match the row marked `fallback` applies.
   */
  hint?: RegExp;
  fallback?: boolean;
  sources: readonly Source[];
}

export const GRAPH_REPLIES: readonly GraphReplyRow[] = [
  {
    id: "token-empty",
    title: "No bearer token in the request",
    status: 401,
    code: "InvalidAuthenticationToken",
    message: "Access token is empty.",
    ourCode: "UNEXPECTED",
    kind: "permanent",
    hint: /\b(?:empty|missing)\b/i,
    sources: [GRAPH_SRC.errors],
  },
  {
    id: "token-expired",
    title: "The token's lifetime is over",
    status: 401,
    code: "InvalidAuthenticationToken",
    message: "Lifetime validation failed, the token is expired.",
    ourCode: "TOKEN_EXPIRED",
    kind: "temporary",
    // observed: "Access token has expired or is not yet valid." is the text many public Graph clients and mocks match on.
    hint: /expired|lifetime|not yet valid/i,
    sources: [GRAPH_SRC.errors],
  },
  {
    id: "invalid-audience",
    title: "A token for another resource (e.g. Exchange's outlook.office365.com) sent to Graph",
    status: 401,
    code: "InvalidAuthenticationToken",
    message: "Access token validation failure. Invalid audience.",
    ourCode: "WRONG_AUDIENCE",
    kind: "permanent",
    hint: /audience/i,
    sources: [GRAPH_SRC.errors],
  },
  {
    id: "access-denied",
    title: "No Mail.* application permission, or the mailbox is outside the app's RBAC for Applications scope",
    status: 403,
    code: "ErrorAccessDenied",
    message: "Access is denied. Check credentials and try again.",
    ourCode: "GRAPH_PERMISSION_MISSING",
    kind: "permanent",
    fallback: true,
    sources: [GRAPH_SRC.errors, GRAPH_SRC.rbac],
  },
  {
    id: "aap-blocked",
    title: "An Application Access Policy excludes the mailbox",
    status: 403,
    code: "ErrorAccessDenied",
    message: "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.",
    ourCode: "GRAPH_MAILBOX_OUT_OF_SCOPE",
    kind: "permanent",
    hint: /\[RAOP\]|AccessPolicy/i,
    sources: [GRAPH_SRC.aap],
  },
  {
    id: "invalid-user",
    title: "No user (or mailbox) with this address or ID",
    status: 404,
    code: "ErrorInvalidUser",
    message: "The requested user '{user}' is invalid.",
    ourCode: "MAILBOX_NOT_FOUND",
    kind: "permanent",
    sources: [GRAPH_SRC.errors],
  },
  {
    id: "mailbox-not-enabled",
    title: "The user has no Exchange Online mailbox (no licence, inactive, soft-deleted, or on-premises)",
    status: 404,
    code: "MailboxNotEnabledForRESTAPI",
    message: "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
    ourCode: "MAILBOX_NOT_FOUND",
    kind: "permanent",
    sources: [GRAPH_SRC.restApi],
  },
  {
    id: "item-not-found",
    title: "No folder or message with this ID (deleted or moved meanwhile)",
    status: 404,
    code: "ErrorItemNotFound",
    message: "The specified object was not found in the store.",
    ourCode: "FOLDER_NOT_FOUND",
    kind: "permanent",
    sources: [GRAPH_SRC.itemNotFound],
  },
  {
    id: "sync-state-not-found",
    title: "The delta link's sync state has expired: start a full synchronisation again",
    status: 410,
    code: "SyncStateNotFound",
    message: "The sync state generation is not found; generation={generation};[highest={highest}].",
    ourCode: "SYNC_STATE_EXPIRED",
    kind: "temporary",
    sources: [GRAPH_SRC.syncState, GRAPH_SRC.delta],
  },
  {
    id: "throttled",
    title: "More than 4 requests at once (or 10,000 in 10 minutes) for one app and mailbox",
    status: 429,
    code: "ApplicationThrottled",
    message: "Application is over its MailboxConcurrency limit.",
    ourCode: "THROTTLED",
    kind: "temporary",
    retryAfter: true,
    sources: [GRAPH_SRC.throttling],
  },
  {
    id: "service-unavailable",
    title: "Graph or the mailbox server is overloaded or in maintenance",
    status: 503,
    code: "ServiceUnavailable",
    message: "Service unavailable.",
    ourCode: "SERVER_BUSY",
    kind: "temporary",
    retryAfter: true,
    sources: [GRAPH_SRC.errors, "UNCONFIRMED: exact message text"],
  },
  {
    id: "gateway-timeout",
    title: "Graph's gateway got no answer from the mailbox server in time",
    status: 504,
    code: "UnknownError",
    message: "",
    ourCode: "SERVER_BUSY",
    kind: "temporary",
    sources: [GRAPH_SRC.errors, "UNCONFIRMED: exact code and message text"],
  },
  {
    id: "mime-invalid-base64",
    title: "sendMail with a text/plain body that is not valid base64 MIME",
    status: 400,
    code: "ErrorMimeContentInvalidBase64String",
    message: "Invalid base64 string for MIME content.",
    ourCode: "GRAPH_ERROR",
    kind: "permanent",
    sources: [GRAPH_SRC.sendMail, "UNCONFIRMED: exact message text"],
  },
  {
    id: "request-too-large",
    title: "A request body over 4 MB (sendMail, or a draft with inline content)",
    status: 413,
    code: "RequestEntityTooLarge",
    message: "The request is larger than 4194304 bytes.",
    ourCode: "MESSAGE_TOO_LARGE",
    kind: "permanent",
    sources: [GRAPH_SRC.sendMail, "UNCONFIRMED: exact code and message text"],
  },
  {
    id: "send-as-denied",
    title: "The From address is not the mailbox and the mailbox may not send as it",
    status: 403,
    code: "ErrorSendAsDenied",
    message:
      "The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.",
    ourCode: "SEND_AS_DENIED",
    kind: "permanent",
    sources: [GRAPH_SRC.sendAsDenied],
  },
  {
    id: "token-invalid",
    title: "A bearer token that is not a valid JWT of a trusted issuer (garbled, bad signature, unknown tenant)",
    status: 401,
    code: "InvalidAuthenticationToken",
    message: "Access token validation failure.",
    ourCode: "UNEXPECTED",
    kind: "permanent",
    fallback: true,
    sources: [GRAPH_SRC.errors, "UNCONFIRMED: exact message text (varies with what failed)"],
  },
  {
    id: "invalid-recipients",
    title: "sendMail or send of a message without any recipient (the send permission probe gets this when allowed)",
    status: 400,
    code: "ErrorInvalidRecipients",
    message: "At least one recipient is not valid., A message can't be sent because it contains no recipients.",
    ourCode: "GRAPH_ERROR",
    kind: "permanent",
    sources: [GRAPH_SRC.noRecipients, GRAPH_SRC.noRecipientsRelay],
  },
  {
    id: "id-malformed",
    title: "A message or folder id that is not one (truncated, or not URL-encoded in the path)",
    status: 400,
    code: "ErrorInvalidIdMalformed",
    message: "Id is malformed.",
    ourCode: "GRAPH_ERROR",
    kind: "permanent",
    sources: [GRAPH_SRC.idMalformed, GRAPH_SRC.idMalformedUnencoded],
  },
  {
    id: "bad-request-segment",
    title: "A URL path Graph does not know (a typo in the resource path, or a method it does not take)",
    status: 400,
    code: "BadRequest",
    message: "Resource not found for the segment '{segment}'.",
    ourCode: "GRAPH_ERROR",
    kind: "permanent",
    sources: [GRAPH_SRC.errors, "UNCONFIRMED: exact message text (OData's wording)"],
  },
  {
    id: "upload-range-invalid",
    title: "An upload-session PUT whose Content-Range does not fit (not the next expected byte, wrong total or length)",
    status: 400,
    code: "InvalidRequest",
    message: "The Content-Range header length does not match the provided number of bytes.",
    ourCode: "GRAPH_ERROR",
    kind: "permanent",
    sources: [GRAPH_SRC.uploadSession, GRAPH_SRC.contentRange, "UNCONFIRMED: the Outlook upload URL's exact answer"],
  },
  {
    id: "me-app-only",
    title: "`/me` with an app-only token: app-only access names the mailbox (`/users/{id}`)",
    status: 400,
    code: "BadRequest",
    message: "/me request is only valid with delegated authentication flow.",
    ourCode: "GRAPH_ERROR",
    kind: "permanent",
    sources: [GRAPH_SRC.meAppOnly],
  },
  {
    id: "body-not-json",
    title: "A request body Graph cannot read as the resource it expects (not JSON, or wrong properties)",
    status: 400,
    code: "UnableToDeserializePostBody",
    message: "were unable to deserialize ",
    ourCode: "GRAPH_ERROR",
    kind: "permanent",
    sources: [GRAPH_SRC.deserialize, GRAPH_SRC.deserializeMail],
  },
  {
    id: "folder-exists",
    title: "Creating a mail folder whose name its parent already has",
    status: 409,
    code: "ErrorFolderExists",
    message: "A folder with the specified name already exists.",
    ourCode: "GRAPH_ERROR",
    kind: "permanent",
    sources: [GRAPH_SRC.folderExists, "UNCONFIRMED: exact message text"],
  },
];

export function graphReply(id: GraphReplyId): GraphReplyRow {
  const row = GRAPH_REPLIES.find((r) => r.id === id);
  if (!row) throw new Error(`no Graph reply ${id}`);
  return row;
}

/** The row a Graph error answer matches (status + code + message; `{...}` placeholders match anything). */
export function matchGraphReply(
  status: number,
  code: string | undefined,
  message: string | undefined,
): GraphReplyRow | undefined {
  const rows = GRAPH_REPLIES.filter((r) => r.status === status && r.code === code);
  if (rows.length <= 1) return rows[0];
  const text = message ?? "";
  return (
    rows.find((r) => templateRe(r.message).test(text)) ??
    rows.find((r) => r.hint?.test(text)) ??
    rows.find((r) => r.fallback) ??
    rows[0]
  );
}

function templateRe(template: string): RegExp {
  const parts = template.split(/\{[a-z]+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".*")}$`, "s");
}
