#!/usr/bin/env python3
"""Summarise `go test -json`: package results as they finish, the output of
every failed test, and every skipped test with its reason."""
import json, sys

out, skips, fails = {}, [], []
for line in sys.stdin:
    try:
        ev = json.loads(line)
    except ValueError:
        print(line, end="")
        continue
    key = (ev.get("Package"), ev.get("Test"))
    act = ev.get("Action")
    if act == "output":
        out.setdefault(key, []).append(ev.get("Output", ""))
    elif act in ("pass", "fail", "skip"):
        if key[1] is None:
            el = ev.get("Elapsed", 0)
            print(f"{act:4} {key[0]} {el:.1f}s", flush=True)
            if act == "fail":
                fails.append(key)
        elif act == "fail":
            fails.append(key)
        elif act == "skip":
            reason = "".join(o for o in out.get(key, []) if not o.startswith(("=== ", "--- ")))
            skips.append((key, reason.strip().splitlines()[-1:] or [""]))
        if act != "fail":
            out.pop(key, None)

if skips:
    print(f"\n{len(skips)} skipped:")
    for (pkg, test), reason in skips:
        print(f"  SKIP {pkg} {test}: {reason[0].strip()}")
for key in fails:
    print(f"\n--- FAIL {key[0]} {key[1] or ''}")
    print("".join(out.get(key, [])))
