import type { CodeCatalog } from "../types.js";

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
