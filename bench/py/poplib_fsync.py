"""The script an admin writes in ten minutes: poplib, USER/PASS, RETR each message into its own file, fsync each
file, one round trip per message. ARGS (JSON env): host, port, ca, user, password, dest (a directory)."""
import json
import os
import poplib
import ssl

a = json.loads(os.environ["ARGS"])
ctx = ssl.create_default_context(cafile=a["ca"])
p = poplib.POP3_SSL(a["host"], a["port"], context=ctx)
p.user(a["user"])
p.pass_(a["password"])
count, _ = p.stat()
total = 0
for i in range(1, count + 1):
    _, lines, _ = p.retr(i)
    data = b"\r\n".join(lines) + b"\r\n"
    total += len(data)
    with open(os.path.join(a["dest"], "%d.eml" % i), "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
p.quit()
print(json.dumps({"messages": count, "bytes": total}))
