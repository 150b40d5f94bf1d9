import type { CodeCatalog, UiCatalog } from "../types.js";

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

/** Texts of STORE_ERROR for local file-system failures (src/store/fs-errors.ts): why, by errno, and the fix. */
export const storeUi: UiCatalog = {
  "store.failed": "Cannot {syscall} {path}",
  "store.why.ENOSPC": "The file system holding {dir} is full.",
  "store.fix.ENOSPC":
    "See the free space: df -h {dir}\nFree space there, or move the Maildir to a bigger file system (--maildir DIR); then run fetch again.",
  "store.why.EDQUOT": "The disk quota of user {user} on the file system holding {dir} is used up.",
  "store.fix.EDQUOT":
    "See the quota: quota -s {user}\nMove old mail away or ask for a bigger quota, or use another directory: --maildir DIR",
  "store.why.EACCES":
    "User {user} may not write {dir} (owner, permission bits or an ACL; or a security module such as SELinux).",
  "store.fix.EACCES":
    "See owner and mode: ls -ld {dir}\nGive it to {user} (as root): chown -R {user} {dir} && chmod -R u+rwX {dir}\nOr run fetch as the owner of {dir}, or choose another directory: --maildir DIR",
  "store.why.EROFS": "{dir} is on a file system that is mounted read-only.",
  "store.fix.EROFS":
    "See the mount: findmnt -T {dir}\nRemount it read-write (mount -o remount,rw MOUNTPOINT), or choose a writable directory: --maildir DIR",
  "store.why.EMFILE": "This process or the system has too many files open.",
  "store.fix.EMFILE":
    "See the limit: ulimit -n\nRaise it (ulimit -n 4096; systemd: LimitNOFILE=4096 in the unit), then run fetch again.",
  "store.why.ENOTDIR": "A part of {path} is a file where a directory is expected.",
  "store.fix.ENOTDIR":
    "See what is there: ls -ld {dir}\nMove that file away, or choose another directory: --maildir DIR",
  "store.why.EISDIR": "{path} is a directory where a file is expected.",
  "store.fix.EISDIR": "Move the directory away (mv {path} {path}.old), then run fetch again.",
  "store.why.ENOENT": "{dir} does not exist (removed, renamed or unmounted while fetch ran?).",
  "store.fix.ENOENT":
    "Check it: ls -ld {dir}\nCreate it or mount its file system again, or choose another directory: --maildir DIR",
  "store.why.EIO": "The disk (or the network file system) reported an input/output error.",
  "store.fix.EIO": "Look at the kernel log: dmesg | tail\nCheck the disk or the NFS/SMB server before the next run.",
  "store.why.EEXIST": "{path} already exists but is not what belongs there (a file where a directory is expected?).",
  "store.fix.EEXIST": "See what is there: ls -ld {path}\nMove it away, or choose another directory: --maildir DIR",
  "store.why.other": "The operating system refused the operation on {path} ({code}).",
  "store.fix.serverUntouched":
    "Messages not stored yet stay on the server (nothing is deleted before it is stored): the next run fetches them, nothing is lost.",
};
