import type { CodeCatalog, UiCatalog } from "../types.js";

/** Lokaler Maildir- / Status-Speicher (src/store). */
export const storeCodes: CodeCatalog = {
  STORE_ERROR: {
    summary: "Der lokale Mail-Speicher unter {path} konnte nicht gelesen oder geschrieben werden.",
    causes: [
      "Das Maildir oder sein Statusverzeichnis .xoauth-mail ist für diesen Benutzer nicht beschreibbar, oder die Platte ist voll.",
      "Für dasselbe Konto läuft noch ein anderer xoauth-mail-Abruf (siehe die in der Meldung genannte Sperrdatei).",
      "Die Statusdatei ist beschädigt oder wurde von Hand bearbeitet.",
    ],
    fix: [
      "Freien Platz und Besitzer prüfen: df -h {path} ; ls -ld {path}",
      "Den anderen Lauf abwarten oder beenden; die Sperre eines nicht mehr existierenden Prozesses wird automatisch übernommen.",
      "Ist die Statusdatei beschädigt, verschieben Sie sie; der nächste Lauf erkennt bereits zugestellte Nachrichten an den Maildir-Dateinamen.",
    ],
  },
};

/** Texte zu STORE_ERROR bei Fehlern des lokalen Dateisystems (src/store/fs-errors.ts): Ursache je errno und Abhilfe. */
export const storeUi: UiCatalog = {
  "store.failed": "{syscall} auf {path} fehlgeschlagen",
  "store.why.ENOSPC": "Das Dateisystem mit {dir} ist voll.",
  "store.fix.ENOSPC":
    "Freien Platz ansehen: df -h {dir}\nDort Platz schaffen oder den Maildir auf ein größeres Dateisystem legen (--maildir VERZ); dann fetch erneut starten.",
  "store.why.EDQUOT": "Das Plattenkontingent (Quota) von {user} auf dem Dateisystem mit {dir} ist erschöpft.",
  "store.fix.EDQUOT":
    "Kontingent ansehen: quota -s {user}\nAlte Mail wegräumen oder ein größeres Kontingent beantragen, oder ein anderes Verzeichnis wählen: --maildir VERZ",
  "store.why.EACCES":
    "Benutzer {user} darf {dir} nicht beschreiben (Eigentümer, Rechtebits oder ACL; oder ein Sicherheitsmodul wie SELinux).",
  "store.fix.EACCES":
    "Eigentümer und Rechte ansehen: ls -ld {dir}\n{user} übergeben (als root): chown -R {user} {dir} && chmod -R u+rwX {dir}\nOder fetch als Eigentümer von {dir} ausführen, oder ein anderes Verzeichnis wählen: --maildir VERZ",
  "store.why.EROFS": "{dir} liegt auf einem Dateisystem, das nur lesbar eingehängt ist.",
  "store.fix.EROFS":
    "Einhängepunkt ansehen: findmnt -T {dir}\nSchreibbar neu einhängen (mount -o remount,rw EINHÄNGEPUNKT) oder ein beschreibbares Verzeichnis wählen: --maildir VERZ",
  "store.why.EMFILE": "Dieser Prozess oder das System hat zu viele Dateien geöffnet.",
  "store.fix.EMFILE":
    "Grenze ansehen: ulimit -n\nErhöhen (ulimit -n 4096; systemd: LimitNOFILE=4096 in der Unit), dann fetch erneut starten.",
  "store.why.ENOTDIR": "Ein Teil von {path} ist eine Datei, wo ein Verzeichnis erwartet wird.",
  "store.fix.ENOTDIR":
    "Nachsehen, was dort liegt: ls -ld {dir}\nDiese Datei wegräumen oder ein anderes Verzeichnis wählen: --maildir VERZ",
  "store.why.EISDIR": "{path} ist ein Verzeichnis, wo eine Datei erwartet wird.",
  "store.fix.EISDIR": "Das Verzeichnis wegräumen (mv {path} {path}.old), dann fetch erneut starten.",
  "store.why.ENOENT": "{dir} gibt es nicht (während fetch lief gelöscht, umbenannt oder ausgehängt?).",
  "store.fix.ENOENT":
    "Prüfen: ls -ld {dir}\nAnlegen oder das Dateisystem wieder einhängen, oder ein anderes Verzeichnis wählen: --maildir VERZ",
  "store.why.EIO": "Die Platte (oder das Netzwerk-Dateisystem) meldet einen Ein-/Ausgabefehler.",
  "store.fix.EIO":
    "Kernel-Protokoll ansehen: dmesg | tail\nPlatte bzw. NFS-/SMB-Server prüfen, bevor fetch wieder läuft.",
  "store.why.EEXIST":
    "{path} gibt es schon, aber es ist nicht das Erwartete (eine Datei, wo ein Verzeichnis hingehört?).",
  "store.fix.EEXIST":
    "Nachsehen, was dort liegt: ls -ld {path}\nWegräumen oder ein anderes Verzeichnis wählen: --maildir VERZ",
  "store.why.other": "Das Betriebssystem hat die Operation auf {path} abgelehnt ({code}).",
  "store.fix.serverUntouched":
    "Noch nicht gespeicherte Nachrichten bleiben auf dem Server (gelöscht wird erst nach dem Speichern): der nächste Lauf holt sie, nichts geht verloren.",
};
