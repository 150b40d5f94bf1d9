"""What a user writes by hand: poplib, USER/PASS, RETR each message into its own file (no fsync), one round trip per
message. ARGS (JSON env): host, port, tls, ca, user, password, dest (directory, or null for /dev/null)."""
import json
import os
import poplib
import ssl

a = json.loads(os.environ["ARGS"])
if a["tls"]:
    ctx = ssl.create_default_context(cafile=a["ca"])
    p = poplib.POP3_SSL(a["host"], a["port"], context=ctx)
else:
    p = poplib.POP3(a["host"], a["port"])
p.user(a["user"])
p.pass_(a["password"])
count, _ = p.stat()
total = 0
for i in range(1, count + 1):
    _, lines, octets = p.retr(i)
    data = b"\r\n".join(lines) + b"\r\n"
    total += len(data)
    if a["dest"]:
        with open(os.path.join(a["dest"], "%d.eml" % i), "wb") as f:
            f.write(data)
p.quit()
print(json.dumps({"messages": count, "bytes": total}))
