"""check-skips.py ALLOWLIST RESULTS.trx… — prints every skipped test with its reason; exits 1 if a reason matches no
line of ALLOWLIST (one Python regular expression per line, # comments), or if there are no results to check."""
import re
import sys
import xml.etree.ElementTree as ET

allow_path, trx_paths = sys.argv[1], sys.argv[2:]
patterns = [l.rstrip("\n") for l in open(allow_path, encoding="utf-8") if l.strip() and not l.lstrip().startswith("#")]
allowed = [re.compile(p) for p in patterns]
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}

if not trx_paths:
    print("test.sh: no test results (.trx) to check for skipped tests", file=sys.stderr)
    sys.exit(1)
skipped, unlisted = 0, 0
for path in trx_paths:
    for r in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        if r.get("outcome") != "NotExecuted":
            continue
        message = r.find("t:Output/t:ErrorInfo/t:Message", ns)
        reason = " ".join((message.text or "").split()) if message is not None else ""
        ok = any(p.search(reason) for p in allowed)
        skipped += 1
        unlisted += not ok
        print(f"  skipped {r.get('testName')}: {reason or '(no reason given)'}{'' if ok else '   <-- not in ' + allow_path}")
if skipped:
    print(f"test.sh: {skipped} skipped test(s) above; {unlisted} with a reason not in {allow_path}")
sys.exit(1 if unlisted else 0)
