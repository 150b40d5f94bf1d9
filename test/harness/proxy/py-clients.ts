/** Inline Python 3 scripts driving the standard library's legacy clients (poplib, imaplib, smtplib). */

const PRELUDE = `
import base64, json, os, ssl, sys
a = json.loads(os.environ["ARGS"])
def ctx():
    return ssl.create_default_context(cafile=a["ca"])
def out(**kw):
    sys.stdout.write(json.dumps(kw))
`;

/** ARGS: host, port, user, password, ca, tls (none|starttls|implicit), auth (user|plain), retr (bool). */
export const POP3_CLIENT = `${PRELUDE}
import poplib
try:
    if a["tls"] == "implicit":
        p = poplib.POP3_SSL(a["host"], a["port"], timeout=10, context=ctx())
    else:
        p = poplib.POP3(a["host"], a["port"], timeout=10)
    if a["tls"] == "starttls":
        p.stls(context=ctx())
    capa = sorted(" ".join([k] + v) for k, v in p.capa().items())
    if a["auth"] == "plain":
        p._shortcmd("AUTH PLAIN " + base64.b64encode(("\\0" + a["user"] + "\\0" + a["password"]).encode()).decode())
    else:
        p.user(a["user"])
        p.pass_(a["password"])
    n, size = p.stat()
    body = ""
    if a.get("retr") and n > 0:
        resp, lines, octets = p.retr(n)
        body = (b"\\r\\n".join(lines) + b"\\r\\n").hex()
    p.quit()
    out(ok=True, capa=capa, count=n, body=body)
except Exception as e:
    out(ok=False, error=str(e))
`;

/** ARGS: host, port, user, password, ca, tls, auth (login|plain), fetch (bool). */
export const IMAP_CLIENT = `${PRELUDE}
import imaplib
try:
    if a["tls"] == "implicit":
        m = imaplib.IMAP4_SSL(a["host"], a["port"], ssl_context=ctx(), timeout=10)
    else:
        m = imaplib.IMAP4(a["host"], a["port"], timeout=10)
    if a["tls"] == "starttls":
        m.starttls(ssl_context=ctx())
    before = sorted(m.capabilities)
    if a["auth"] == "plain":
        typ, dat = m.authenticate("PLAIN", lambda _: ("\\0" + a["user"] + "\\0" + a["password"]).encode())
    else:
        typ, dat = m.login(a["user"], a["password"])
    after = sorted(m.capabilities)
    typ, dat = m.select("INBOX")
    count = int(dat[0])
    body = ""
    if a.get("fetch") and count > 0:
        typ, dat = m.fetch(str(count), "(BODY.PEEK[])")
        body = dat[0][1].hex()
    m.logout()
    out(ok=True, before=before, count=count, body=body)
except Exception as e:
    out(ok=False, error=str(e))
`;

/** ARGS: host, port, user, password, ca, tls (none|starttls), auth (plain|login|none), from, to, msg (hex). */
export const SMTP_CLIENT = `${PRELUDE}
import smtplib
try:
    s = smtplib.SMTP(a["host"], a["port"], timeout=10)
    s.ehlo("legacy.example")
    if a["tls"] == "starttls":
        s.starttls(context=ctx())
        s.ehlo("legacy.example")
    ext = sorted(s.esmtp_features.keys())
    if a["auth"] != "none":
        s.user, s.password = a["user"], a["password"]
        mech = "PLAIN" if a["auth"] == "plain" else "LOGIN"
        s.auth(mech, getattr(s, "auth_" + mech.lower()), initial_response_ok=(a["auth"] == "plain"))
    refused = s.sendmail(a["from"], [a["to"]], bytes.fromhex(a["msg"]))
    s.quit()
    out(ok=True, ext=ext, refused=refused)
except smtplib.SMTPResponseException as e:
    out(ok=False, code=e.smtp_code, error=e.smtp_error.decode(errors="replace"))
except Exception as e:
    out(ok=False, error=str(e))
`;
