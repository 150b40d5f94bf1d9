/**
 * The shapes of Graph's message answers (delta pages, listings) and the send probe. Delta pages:
 * https://learn.microsoft.com/en-us/graph/delta-query-messages — `value` holds changed messages and, for messages
 * deleted or moved out of the folder, `{"id", "@removed": {"reason"}}`; a page ends with `@odata.nextLink` (more in
 * this round) or `@odata.deltaLink` (the round is complete).
 */
import { XoauthError } from "../errors.js";
import type { DeltaPage, GraphMessageRef } from "./types.js";

function badAnswer(what: string, mailbox: string): XoauthError {
  return new XoauthError("PROTOCOL_ERROR", `Graph's ${what} for mailbox ${mailbox} does not have the expected shape.`, {
    details: { params: { mailbox } },
  });
}

/** PR_MESSAGE_SIZE from `singleValueExtendedProperties` (Graph writes the id as `Integer 0xe08`), else undefined. */
function sizeOf(v: Record<string, unknown>): number | undefined {
  const props = v.singleValueExtendedProperties;
  if (!Array.isArray(props)) return undefined;
  for (const p of props as { id?: unknown; value?: unknown }[]) {
    if (typeof p?.id !== "string" || !/^integer\s+0x0*e08$/i.test(p.id.trim())) continue;
    const n = Number(p.value);
    if (Number.isSafeInteger(n) && n >= 0) return n;
  }
  return undefined;
}

function toRef(v: Record<string, unknown>): GraphMessageRef {
  const size = sizeOf(v);
  return {
    id: v.id as string,
    ...(typeof v.internetMessageId === "string" ? { internetMessageId: v.internetMessageId } : {}),
    ...(typeof v.subject === "string" ? { subject: v.subject } : {}),
    ...(typeof v.receivedDateTime === "string" ? { receivedDateTime: v.receivedDateTime } : {}),
    ...(typeof v.isRead === "boolean" ? { isRead: v.isRead } : {}),
    ...(size !== undefined ? { size } : {}),
  };
}

function entries(body: unknown, what: string, mailbox: string): Record<string, unknown>[] {
  const value = (body as { value?: unknown } | undefined)?.value;
  if (!Array.isArray(value)) throw badAnswer(what, mailbox);
  return value.filter(
    (v): v is Record<string, unknown> => !!v && typeof v === "object" && typeof (v as { id?: unknown }).id === "string",
  );
}

export function parseDeltaPage(body: unknown, mailbox: string): DeltaPage {
  const page: DeltaPage = { messages: [], removed: [] };
  for (const v of entries(body, "delta page", mailbox)) {
    if (v["@removed"] !== undefined) page.removed.push(v.id as string);
    else page.messages.push(toRef(v));
  }
  const b = body as Record<string, unknown>;
  const next = b["@odata.nextLink"];
  const delta = b["@odata.deltaLink"];
  if (typeof next === "string") page.nextLink = next;
  else if (typeof delta === "string") page.deltaLink = delta;
  else throw badAnswer("delta page (neither nextLink nor deltaLink)", mailbox);
  return page;
}

export function parseMessageList(body: unknown, mailbox: string): GraphMessageRef[] {
  return entries(body, "message listing", mailbox).map(toRef);
}
