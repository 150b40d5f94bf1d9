"""A per-message IMAP client, as written by hand: imaplib, LOGIN, SELECT, UID SEARCH ALL, then one
UID FETCH (BODY.PEEK[]) per message (one round trip each), each into its own file, no fsync.
ARGS (JSON env): host, port, ca, user, password, dest."""
import imaplib
import json
import os
import ssl

a = json.loads(os.environ["ARGS"])
ctx = ssl.create_default_context(cafile=a["ca"])
m = imaplib.IMAP4_SSL(a["host"], a["port"], ssl_context=ctx)
m.login(a["user"], a["password"])
m.select("INBOX", readonly=True)
_, data = m.uid("SEARCH", None, "ALL")
uids = data[0].split()
total = 0
for uid in uids:
    _, parts = m.uid("FETCH", uid, "(BODY.PEEK[])")
    body = parts[0][1]
    total += len(body)
    with open(os.path.join(a["dest"], "%s.eml" % uid.decode()), "wb") as f:
        f.write(body)
m.logout()
print(json.dumps({"messages": len(uids), "bytes": total}))
