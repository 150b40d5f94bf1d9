/** The on-disk JSON shape of a per-account state file (version 1), and its validating parser. */
import { z } from "zod";

export const PREVIOUS_KEPT = 5;

const previousSchema = z.object({
  uidValidity: z.number().int().nonnegative(),
  delivered: z.string(),
  highestUid: z.number().int().nonnegative(),
  setAsideAt: z.string(),
});

export const stateFileSchema = z.object({
  format: z.literal("xoauth-mail-state"),
  version: z.literal(1),
  account: z.string(),
  protocol: z.enum(["pop3", "imap", "graph"]),
  folder: z.string(),
  updatedAt: z.string(),
  pop3: z.object({ delivered: z.array(z.string()), deleted: z.array(z.string()) }).optional(),
  imap: z
    .object({
      uidValidity: z.number().int().nonnegative().nullable(),
      /** Delivered UIDs as an RFC 3501 sequence-set: "1:500,502". */
      delivered: z.string(),
      highestUid: z.number().int().nonnegative(),
      /** Fingerprints (Message-ID + size) of delivered messages: dedupe after a UIDVALIDITY change. */
      fingerprints: z.array(z.string()),
      /** State kept aside at UIDVALIDITY changes, newest last (at most PREVIOUS_KEPT). */
      previous: z.array(previousSchema),
      /**
       * Set at a UIDVALIDITY change, cleared by the first pass that went through the whole folder afterwards: until
       * then messages are matched by fingerprint (also in the run after a crash), not downloaded again.
       */
      renumbering: z
        .object({
          from: z.number().int().nonnegative(),
          to: z.number().int().nonnegative(),
          /** How many of `fingerprints` (the first ones) existed at the change: only those are matched. */
          known: z.number().int().nonnegative().optional(),
        })
        .optional(),
    })
    .optional(),
  graph: z
    .object({
      /** The folder's id when the delta link was taken: another id (folder re-created) means a full round. */
      folderId: z.string().optional(),
      /** The delta link of the last complete round: a shortcut only, the ledger below is what prevents duplicates. */
      deltaLink: z.string().optional(),
      /** Immutable ids of every delivered message of the folder (the ledger). */
      delivered: z.array(z.string()),
      /** Delivered ids whose server action (--move-to, --delete, --mark-read) is not yet confirmed done. */
      owed: z.array(z.string()),
    })
    .optional(),
});

export type StateFile = z.infer<typeof stateFileSchema>;
export type PreviousImapState = z.infer<typeof previousSchema>;
