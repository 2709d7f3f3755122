#!/usr/bin/env python3
"""Summarises a crosscheck --json run over the cases written by make_cases.py.

    python3 scripts/quirks/summarise.py CASES_DIR/cases.json RESULTS.jsonl [--doc docs/parser-quirks.md]

Prints Markdown: per group a table (case, what varies, RFC-valid, verdict, which parsers
read it as intended), then for every case that is not AGREE the differing fields with the
parsers grouped by value. With --doc, replaces the text between the markers
`<!-- quirks:begin -->` and `<!-- quirks:end -->` in that file instead of printing.
Also writes RESULTS.jsonl's sibling summary.json (one record per case) for scripts.
"""
import argparse
import json
import os
import sys

SHORT = {
    "python-email": "python", "node-mailparser": "mailparser", "node-postal-mime": "postal-mime",
    "perl-mime-tools": "perl", "rust-mailparse": "mailparse", "rust-mail-parser": "mail-parser", "gmime": "gmime",
}
GROUPS = [("display-name", "Display names"), ("subject", "Subjects"), ("filename", "File names"),
          ("address", "Addresses"), ("structure", "Structure"), ("recommended", "The recommended forms together")]
ABSENT = object()


def strip_private(v):
    if isinstance(v, dict):
        return {k: strip_private(x) for k, x in v.items() if not k.startswith("_")}
    if isinstance(v, list):
        return [strip_private(x) for x in v]
    return v


def flatten(v, path="", out=None):
    """Same flattening as crosscheck's (paths like tree.parts[1].filename, to.length)."""
    if out is None:
        out = {}
    if isinstance(v, dict):
        for k, x in v.items():
            flatten(x, "%s.%s" % (path, k) if path else k, out)
    elif isinstance(v, list):
        out[path + ".length"] = len(v)
        for i, x in enumerate(v):
            flatten(x, "%s[%d]" % (path, i), out)
    else:
        out[path] = v
    return out


def show(v, limit=90):
    if v is ABSENT:
        return "<absent>"
    s = json.dumps(v, ensure_ascii=False)
    if len(s) > limit:
        s = s[:limit - 1] + "…"
    return s


def md_cell(s):
    return s.replace("|", "\\|").replace("\n", " ")


def names(ps):
    return ", ".join(SHORT.get(p, p) for p in ps)


def analyse(case, rec):
    parsers = rec["parsers"]
    flat = {p: flatten(strip_private(s)) for p, s in rec["summaries"].items()}
    expect = case["expect"]
    ok = []
    for p in parsers:
        if p in rec["errors"] or p not in flat:
            continue
        if all(flat[p].get(k, ABSENT) == v for k, v in expect.items()):
            ok.append(p)
    diffs = rec["differences"]
    focus = []
    for path, want in expect.items():
        groups = {}
        for p in parsers:
            if p not in flat:
                continue
            v = flat[p].get(path, ABSENT)
            key = "<absent>" if v is ABSENT else json.dumps(v, ensure_ascii=False, sort_keys=True)
            groups.setdefault(key, (v, []))[1].append(p)
        if len(groups) > 1 or (groups and next(iter(groups.values()))[0] != want):
            focus.append({"path": path, "expect": want,
                          "values": sorted(groups.values(), key=lambda g: -len(g[1]))})
    other = [d for d in diffs if d["path"] not in expect]
    return {"ok": ok, "focus": focus, "other": other}


def verdict_cell(rec):
    v = rec["verdict"]
    return {"AGREE": "**agree**", "DISAGREE": "DISAGREE", "ERROR": "ERROR"}[v]


def intended_cell(parsers, ok):
    if len(ok) == len(parsers):
        return "all %d" % len(parsers)
    if not ok:
        return "none"
    missing = [p for p in parsers if p not in ok]
    if len(ok) >= len(missing):
        return "%d/%d (not %s)" % (len(ok), len(parsers), names(missing))
    return "%d/%d (%s)" % (len(ok), len(parsers), names(ok))


def render(cases, results):
    by_file = {os.path.basename(r["file"])[:-4]: r for r in results}
    out = []
    counts = {}
    records = []
    for gid, gname in GROUPS:
        group = [c for c in cases if c["group"] == gid]
        if not group:
            continue
        out.append("### %s\n" % gname)
        out.append("| case | what varies | RFC-valid | verdict | read as intended |")
        out.append("| --- | --- | --- | --- | --- |")
        for c in group:
            rec = by_file.get(c["id"])
            if rec is None:
                out.append("| `%s` | %s | | not run | |" % (c["id"], md_cell(c["title"])))
                continue
            a = analyse(c, rec)
            counts.setdefault(gid, {}).setdefault(rec["verdict"], 0)
            counts[gid][rec["verdict"]] += 1
            valid = "yes" if c["valid"] else "no"
            out.append("| [`%s`](#%s) | %s | %s | %s | %s |" % (
                c["id"], c["id"], md_cell(c["title"]), valid, verdict_cell(rec), intended_cell(rec["parsers"], a["ok"])))
            records.append({"id": c["id"], "group": gid, "valid": c["valid"], "verdict": rec["verdict"],
                            "as_intended": a["ok"], "differences": rec["differences"], "errors": rec["errors"]})
        out.append("")
    head = ["Totals: " + "; ".join("%s %s" % (g, ", ".join("%d %s" % (n, v.lower()) for v, n in sorted(cnt.items())))
                                   for g, cnt in counts.items()), ""]

    det = ["### Details of every case that is not read identically\n",
           "Values are JSON strings as the parser reported them (after crosscheck's normalization); "
           "`expect` is the RFC reading, or what the sender meant where the case notes say so.\n"]
    for c in cases:
        rec = by_file.get(c["id"])
        if rec is None:
            continue
        a = analyse(c, rec)
        if rec["verdict"] == "AGREE" and not a["focus"]:
            continue
        det.append('<a id="%s"></a>\n#### `%s`: %s\n' % (c["id"], c["id"], c["title"]))
        meta = []
        meta.append("RFC-valid: " + ("yes" if c["valid"] else "no: " + c["why_invalid"]))
        if c.get("note"):
            meta.append("note: " + c["note"])
        det.append("; ".join(meta) + ".\n")
        if c.get("shows"):
            shown = c["shows"].replace("\r\n", "⏎\n").replace("\t", "→")
            lines = []
            for ln in shown.split("\n"):
                lines.append(ln if len(ln) <= 110 else ln[:109] + "…")
            det.append("```\n%s\n```\n" % "\n".join(lines[:14] + (["…"] if len(lines) > 14 else [])))
        for p, e in rec["errors"].items():
            det.append("- `%s` failed: %s" % (p, (e or "").splitlines()[0] if e else e))
        for f in a["focus"]:
            det.append("- `%s` (expect %s):" % (f["path"], show(f["expect"])))
            for v, ps in f["values"]:
                mark = " ✓" if v == f["expect"] else ""
                det.append("  - %s%s ← %s" % (show(v), mark, names(ps)))
        if a["other"]:
            det.append("- other differing fields (%d):" % len(a["other"]))
            for d in a["other"][:4]:
                vals = "; ".join("%s ← %s" % (show(ABSENT if x["absent"] else x["value"], 50), names(x["parsers"]))
                                 for x in d["values"])
                det.append("  - `%s`: %s" % (d["path"], vals))
            if len(a["other"]) > 4:
                det.append("  - … %d more" % (len(a["other"]) - 4))
        det.append("")
    return "\n".join(head + out + det), records


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases")
    ap.add_argument("results")
    ap.add_argument("--doc")
    args = ap.parse_args()
    with open(args.cases, encoding="utf-8") as fh:
        cases = json.load(fh)
    results = []
    with open(args.results, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                results.append(json.loads(line))
    text, records = render(cases, results)
    with open(os.path.join(os.path.dirname(os.path.abspath(args.results)), "summary.json"), "w", encoding="utf-8") as fh:
        json.dump(records, fh, ensure_ascii=False, indent=1)
    if not args.doc:
        sys.stdout.write(text + "\n")
        return 0
    with open(args.doc, encoding="utf-8") as fh:
        doc = fh.read()
    b, e = "<!-- quirks:begin -->", "<!-- quirks:end -->"
    if b not in doc or e not in doc:
        print("summarise: markers %s ... %s not found in %s" % (b, e, args.doc), file=sys.stderr)
        return 2
    pre, rest = doc.split(b, 1)
    _, post = rest.split(e, 1)
    with open(args.doc, "w", encoding="utf-8") as fh:
        fh.write(pre + b + "\n<!-- generated by scripts/quirks/run.sh; do not edit by hand -->\n\n" + text + "\n" + e + post)
    print("summarise: updated %s" % args.doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
