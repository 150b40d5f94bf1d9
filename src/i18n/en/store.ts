import type { CodeCatalog } from "../types.js";

/** Local Maildir / state store (src/store). */
export const storeCodes: CodeCatalog = {
  STORE_ERROR: {
    summary: "Could not write or read the local mail store at {path}.",
    causes: [
      "The Maildir or its .xoauth-mail state directory is not writable by this user, or the disk is full.",
      "Another xoauth-mail fetch for the same account is still running (see the lock file named in the message).",
      "The state file was damaged or edited by hand.",
    ],
    fix: [
      "Check free space and ownership: df -h {path} ; ls -ld {path}",
      "Wait for the other run to finish, or stop it; a lock of a process that no longer exists is taken over automatically.",
      "If the state file is damaged, move it away; the next run recovers delivered messages from the Maildir file names.",
    ],
  },
};
