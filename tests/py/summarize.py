#!/usr/bin/env python3
"""Reads messages framed as b"<length>\n<bytes>" on stdin; for each, writes one
JSON line: how Python's email package (policy=default) reads it.

Used by the property tests as an independent parser run in a subprocess.
"""
import base64
import email
import email.policy
import json
import sys


def header_defects(msg):
    out = []
    for name in msg.keys():
        for value in msg.get_all(name, []):
            for d in getattr(value, "defects", ()):
                out.append(f"{name}: {type(d).__name__}: {d}")
    return out


def addresses(msg, name):
    h = msg.get(name)
    if h is None:
        return None
    out = []
    for g in getattr(h, "groups", ()):
        for a in g.addresses:
            out.append({"group": g.display_name, "name": a.display_name, "addr": a.addr_spec})
    return out


def header_filename(part):
    for field, param in (("content-disposition", "filename"), ("content-type", "name")):
        h = part.get(field)
        params = getattr(h, "params", None)
        if params is not None and param in params:
            return params[param]
    return None


def leaf(part):
    d = {
        "content_type": part.get_content_type(),
        "charset": part.get_content_charset(),
        "cte": (part.get("content-transfer-encoding") or "").lower() or None,
        "disposition": part.get_content_disposition(),
        # The header registry's reading of the file name (policy=default):
        # exact. `get_filename()` is reported too: it unquotes a second time
        # (collapse_rfc2231_value after get_param already unquoted), so a
        # name that starts and ends with '"' loses them there.
        "filename": header_filename(part),
        "get_filename": part.get_filename(),
        "content_id": str(part.get("content-id")) if part.get("content-id") is not None else None,
    }
    if part.get_content_maintype() == "text":
        try:
            d["text"] = part.get_content()
        except Exception as e:  # noqa: BLE001 - reported to the test
            d["error"] = f"{type(e).__name__}: {e}"
    payload = part.get_payload(decode=True)
    if payload is not None:
        d["bytes_b64"] = base64.b64encode(payload).decode()
    return d


def walk(part, defects, depth=0):
    defects.extend(f"{part.get_content_type()}: {type(d).__name__}: {d}" for d in part.defects)
    if depth > 0:
        defects.extend(header_defects(part))
    if part.get_content_type() in ("message/rfc822", "message/global"):
        d = leaf(part)
        d.pop("bytes_b64", None)
        inner = part.get_payload()
        d["embedded"] = [summary(m, depth + 1) for m in inner] if isinstance(inner, list) else None
        return d
    if part.is_multipart():
        return {
            "content_type": part.get_content_type(),
            "parts": [walk(p, defects, depth + 1) for p in part.iter_parts()],
        }
    return leaf(part)


def summary(msg, depth=0):
    defects = header_defects(msg) if depth == 0 else []
    tree = walk(msg, defects, depth)
    return {
        "headers": list(msg.keys()),
        "subject": str(msg["subject"]) if msg["subject"] is not None else None,
        "from": addresses(msg, "from"),
        "sender": addresses(msg, "sender"),
        "to": addresses(msg, "to"),
        "cc": addresses(msg, "cc"),
        "reply_to": addresses(msg, "reply-to"),
        "message_id": str(msg["message-id"]) if msg["message-id"] is not None else None,
        "defects": defects,
        "tree": tree,
    }


def main():
    inp = sys.stdin.buffer
    out = sys.stdout
    while True:
        line = inp.readline()
        if not line:
            return
        n = int(line)
        data = inp.read(n)
        try:
            msg = email.message_from_bytes(data, policy=email.policy.default)
            result = summary(msg)
        except Exception as e:  # noqa: BLE001 - reported to the test
            result = {"crash": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
