import type { CodeCatalog, UiCatalog } from "../types.js";

/** `demo` hat keine eigenen Fehlercodes. */
export const demoCodes: CodeCatalog = {};

/** Deutsche Texte von `xoauth-mail demo` und `sandbox`. Schlüssel wie in ../en/demo.ts. */
export const demoUi: UiCatalog = {
  "demo.title":
    "xoauth-mail demo: ein lokales Exchange-Online-Double auf {host} (kein Tenant, kein Internet, keine Konfiguration nötig)",
  "demo.started":
    "   Identity Platform {authority} · POP3S :{pop3s} · IMAPS :{imaps} · SMTP :{smtp} · Postfach {mailbox} mit {count} Nachrichten",
  "demo.token": "1) Access Token von der lokalen Identity Platform (Tenant {tenant}, Client Secret)",
  "demo.token.detail":
    "   ✓ appid {appid} · Rollen {roles} · läuft in {minutes} Min. ab (das Token selbst wird nie angezeigt)",
  "demo.test": "2) xoauth-mail test: XOAUTH2-Anmeldung, Schritt für Schritt",
  "demo.fetch": "3) xoauth-mail fetch per POP3 nach {maildir}",
  "demo.fetch.temp":
    "   (temporäres Verzeichnis, wird am Ende gelöscht; mit --maildir VERZ bleiben die Nachrichten erhalten)",
  "demo.fetch.first": "   ✓ {count} neue Nachrichten ({bytes} Bytes) in {ms} ms",
  "demo.fetch.again":
    "   ✓ zweiter Lauf: {count} neu, {skipped} schon zugestellt: jede Nachricht kommt genau einmal an",
  "demo.fetch.wrong": "   ✗ erwartet: {expected} neue Nachrichten, erhalten: {count}",
  "demo.fetch.graph": "   xoauth-mail fetch --protocol graph (Delta-Abfrage, $value gestreamt) nach {maildir}",
  "demo.fetch.graph.first":
    "   ✓ {count} neue Nachrichten ({bytes} Bytes) in {ms} ms: Byte für Byte dieselben wie per POP3",
  "demo.fetch.graph.again":
    "   ✓ zweiter Lauf: {count} neu ({skipped} erneut gelistet; der Delta-Link liefert nur Änderungen): auch per Graph genau einmal",
  "demo.fetch.graph.differs": "   ✗ die Nachrichten per Graph unterscheiden sich von denen per POP3",
  "demo.break":
    "4) Ein klassischer Fehler: der Dienstprinzipal hat kein FullAccess auf {mailbox} (wie vor Add-MailboxPermission)",
  "demo.diagnosis": "   → Diagnose {code}: {summary}",
  "demo.cause": "   Wahrscheinliche Ursache: {cause}",
  "demo.fix": "   Lösung:",
  "demo.expected.wrong": "   ✗ erwartet war die Diagnose {expected}, erhalten: {code}",
  "demo.repair": "5) Nach der Korrektur (Add-MailboxPermission ... -AccessRights FullAccess):",
  "demo.unexpected": "   ✗ {code}: {message}",
  "demo.done.ok":
    "✓ Demo in {ms} ms abgeschlossen: alle erwarteten Ergebnisse sind eingetreten; alles Gestartete ist beendet.",
  "demo.done.fail": "✗ Demo fehlgeschlagen bei: {failed}",
  "demo.next":
    "Weiter: `xoauth-mail sandbox` lässt diesen lokalen Tenant für eigene Tests laufen; `xoauth-mail init` richtet Ihren echten Tenant ein.",
  "demo.started.graph": "   Microsoft Graph {graphUrl} (dieselben Postfächer)",
  "demo.token.graph":
    "   ✓ Microsoft-Graph-Token (Scope {scope}): aud {aud} · Rollen {roles} (eigenes Token, eigener Cache-Eintrag)",
  "demo.send.graph":
    "6) xoauth-mail send --protocol graph: eine Nachricht von {mailbox} an {to} per sendMail von Graph",
  "demo.send.graph.accepted":
    "   ✓ 202 Accepted in {ms} ms (request-id {requestId}): Graph stellt später zu und legt eine Kopie in Gesendete Elemente ab",
  "demo.step.list": "1 Nachricht gelistet",
  "demo.step.send-probe": "Sendeprobe",
  "demo.step.connect": "TCP",
  "demo.step.tls": "TLS",
  "demo.step.greeting": "Begrüßung",
  "demo.step.auth": "XOAUTH2",
  "demo.step.mailbox": "Postfach",
  "demo.step.send": "Senden",
  "demo.step.logout": "Abmeldung",
  "sandbox.title": "xoauth-mail sandbox: ein lokaler Exchange-Online-Tenant läuft (Strg-C beendet ihn).",
  "sandbox.options": "Optionen für jeden xoauth-mail-Befehl:",
  "sandbox.servers": "Mailserver (--host/--port je Protokoll):",
  "sandbox.config": "Fertige Konfigurationsdatei (Secret in einer 0600-Datei daneben):",
  "sandbox.try": "Ausprobieren:",
  "sandbox.stopping": "sandbox: wird beendet ({signal})",
  "sandbox.stopped": "sandbox: beendet",
};
