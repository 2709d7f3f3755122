#!/usr/bin/env python3
"""Writes testdata/garbled/: messages broken on purpose, the way real senders
break them, each with the diagnosis a careful reader of the RFCs would give.

Run from anywhere: `python3 testdata/garbled/make.py`. Python standard library
only; every message is written byte for byte (CRLF unless the defect is the
line ending), so what a sample contains is exactly what is written below.

For each sample NAME this writes NAME.eml and NAME.diag.json:
  diagnostics  the exact multiset of (code, severity) `eml lint` must report,
               with `part` and `message_contains` where they matter;
               empty for a clean message
  headers      decoded (and repaired) values `eml headers --json` must show
  text         what `eml show` must print
  binary_parts part paths that must be non-text leaves (kept by `eml fix`,
               written by `eml extract`)
The expectations are written from what each sample is meant to exhibit, not
copied from the tool's output. README.md (also written here) lists them.
"""

import base64
import json
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = []

DATE = "Mon, 23 Nov 2026 10:00:00 +0800"


def png(width=2, height=2, rgb=(200, 30, 30)):
    """A real, tiny PNG (so viewers and mime sniffers accept it)."""

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    + bytes(range(128, 256))  # binary octets, so base64 is the only choice
)


def b64(data, width=76):
    s = base64.b64encode(data).decode()
    return "\r\n".join(s[i : i + width] for i in range(0, len(s), width)) + "\r\n"


def ew(text, charset="UTF-8"):
    """One RFC 2047 B encoded word."""
    return "=?%s?B?%s?=" % (charset, base64.b64encode(text.encode(charset)).decode())


def hdrs(*lines):
    return "".join(l + "\r\n" for l in lines).encode()


def std(subject="Report", extra=(), ct="text/plain; charset=UTF-8", cte="7bit", skip=()):
    """The usual top-level header block; `skip` leaves fields out."""
    fields = [
        ("From", "Alice <alice@example.com>"),
        ("To", "Bob <bob@example.net>"),
        ("Subject", subject),
        ("Date", DATE),
        ("Message-ID", "<garbled.%d@example.com>" % (len(CASES) + 1)),
        ("MIME-Version", "1.0"),
    ]
    if ct is not None:
        fields.append(("Content-Type", ct))
    if cte is not None:
        fields.append(("Content-Transfer-Encoding", cte))
    lines = ["%s: %s" % (n, v) for n, v in fields if n not in skip]
    return hdrs(*lines, *extra)


def case(name, raw, what, diagnostics=(), headers=None, text=None, binary_parts=(), left=None):
    """`left`: (codes, why) when `eml fix` must leave those errors as they are
    (too little evidence to repair without guessing) and say so."""
    CASES.append(
        {
            "name": name,
            "raw": raw,
            "what": what,
            "diag": {
                "what": what,
                "diagnostics": [
                    dict(zip(("code", "severity"), d[:2]), **(d[2] if len(d) > 2 else {})) for d in diagnostics
                ],
                **({"headers": headers} if headers else {}),
                **({"text": text} if text is not None else {}),
                **({"binary_parts": list(binary_parts)} if binary_parts else {}),
                **({"fix_leaves": {"codes": list(left[0]), "why": left[1]}} if left else {}),
            },
        }
    )


E, W, I = "error", "warning", "info"
BODY = "Hello Bob,\r\n\r\nthe report is ready.\r\n"
# In a multipart the CRLF before a boundary line belongs to the boundary
# (RFC 2046 §5.1.1), so a part's text ends without it.
IN_PART = BODY[:-2]

# ---------------------------------------------------------------- missing fields
case(
    "missing-from-with-sender",
    std(skip=("From",), extra=("Sender: Mailer <mailer@example.com>",)) + b"\r\n" + BODY.encode(),
    "No From field (RFC 5322 §3.6 requires one); a Sender is present, so fix can use it.",
    [("missing-from", E)],
    text=BODY,
)
case(
    "missing-from-anonymous",
    std(skip=("From",)) + b"\r\n" + BODY.encode(),
    "No From, no Sender, no Return-Path: nobody can say who wrote it, so fix refuses.",
    [("missing-from", E)],
    text=BODY,
)
case(
    "missing-date",
    std(skip=("Date",)) + b"\r\n" + BODY.encode(),
    "No Date field (RFC 5322 §3.6 requires one).",
    [("missing-date", E)],
    text=BODY,
)
case(
    "missing-message-id",
    std(skip=("Message-ID",)) + b"\r\n" + BODY.encode(),
    "No Message-ID (RFC 5322 §3.6.4 SHOULD): replies cannot thread.",
    [("missing-message-id", W)],
    text=BODY,
)
case(
    "missing-mime-version",
    std(skip=("MIME-Version",)) + b"\r\n" + BODY.encode(),
    "Content-Type without MIME-Version (RFC 2045 §4): strict readers ignore the MIME fields.",
    [("missing-mime-version", W)],
    text=BODY,
)

# ---------------------------------------------------------------- line endings and lengths
mixed_lf = std() + b"\r\nline one\nline two\r\nline three\n"
case(
    "bare-lf-mixed",
    mixed_lf,
    "Some lines end in LF, some in CRLF (RFC 5322 §2.3: CR and LF only together).",
    [("bare-lf", E)],
    text="line one\nline two\r\nline three\n",
)
case(
    "bare-lf-unix",
    std().replace(b"\r\n", b"\n") + b"\nline one\nline two\n",
    "A message saved with Unix line endings throughout: a local file, fine to read, not to send.",
    [("bare-lf", I)],
    text="line one\nline two\n",
)
mac = (
    std(ct='multipart/mixed; boundary="mac"', cte=None)
    + b"\r\n--mac\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nline one\r\nline two\r\n"
    + b"--mac\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    + b64(PDF).encode()
    + b"--mac--\r\n"
).replace(b"\r\n", b"\r")
case(
    "bare-cr-mac",
    mac,
    "Every line ends in a bare CR, as classic Mac OS and some Japanese carriers write: parsers that split at LF see one header line and no body.",
    [("bare-lf", E, {"message_contains": "bare CR"})],
    text="line one\nline two",  # a bare CR is read as a line end (LF)
    binary_parts=["2"],
)
case(
    "line-endings-mixed-cr",
    std() + b"\r\nline one\nline two\rline three\r\n",
    "CRLF, bare LF and bare CR in one message (RFC 5322 §2.3): a body pasted together from three systems.",
    [("bare-lf", E, {"message_contains": "bare CR"})],
    text="line one\nline two\nline three\r\n",
)
long_line = ("word " * 220).strip()
case(
    "line-too-long",
    std(cte="8bit") + b"\r\n" + long_line.encode() + b"\r\n",
    "A 1099-octet body line (RFC 5322 §2.1.1: at most 998); relays may cut it.",
    [("line-too-long", E)],
    text=long_line + "\r\n",
)
long_subject = "Quarterly report for the operations team covering incidents, uptime, costs and the plan"
case(
    "header-line-long",
    std(subject=long_subject) + b"\r\n" + BODY.encode(),
    "A Subject line of 98 characters written unfolded (RFC 5322 §2.1.1: SHOULD fold at 78).",
    [("header-line-long", W)],
    headers={"Subject": long_subject},
    text=BODY,
)

# ---------------------------------------------------------------- 8-bit headers and charsets
notice = "关于明天下午开会的通知"
case(
    "raw-gbk-subject",
    std(subject="X", ct="text/plain; charset=GBK", cte="8bit").replace(b"Subject: X", b"Subject: " + notice.encode("gbk"))
    + b"\r\n"
    + "请大家准时参加。\r\n".encode("gbk"),
    "A GBK subject written as raw octets (RFC 5322 §2.2: headers are ASCII; RFC 2047 is the way). QQ Mail shows it, Gmail shows mojibake.",
    [("raw-8bit-header", E, {"message_contains": "GB"})],
    headers={"Subject": notice},
    text="请大家准时参加。\r\n",
)
# What a relay and a signer add on top: fix must keep these in place, byte for byte.
TRACE = (
    "Return-Path: <bounce@example.cn>",
    "Received: from mx1.example.cn (mx1.example.cn [192.0.2.10])",
    "\tby mail.example.com with ESMTPS id 4f2a; Mon, 23 Nov 2026 10:00:02 +0800",
    "Received: from [10.0.0.5] (helo=web3) by mx1.example.cn with esmtp;",
    "\tMon, 23 Nov 2026 10:00:01 +0800",
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.cn; s=mail;",
    "\th=from:to:subject:date; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;",
    "\tb=dGVzdHNpZ25hdHVyZQ==",
    "Authentication-Results: mail.example.com; dkim=pass header.d=example.cn;",
    "\tspf=pass smtp.mailfrom=bounce@example.cn",
)
case(
    "trace-fields-gbk-subject",
    hdrs(*TRACE)
    + std(
        subject="X",
        ct="text/plain; charset=GBK",
        cte="8bit",
        extra=("X-Mailer: PHPMailer 6.8.0", "Content-Language: zh-CN"),
    ).replace(b"Subject: X", b"Subject: " + notice.encode("gbk"))
    + b"\r\n"
    + "请大家准时参加。\r\n".encode("gbk"),
    "A raw GBK subject under trace fields, a DKIM signature and Authentication-Results, with X-Mailer and Content-Language: fix encodes the Subject and nothing else (RFC 5321 §4.4 keeps trace fields on top, in order).",
    [("raw-8bit-header", E, {"message_contains": "Subject"})],
    headers={"Subject": notice},
    text="请大家准时参加。\r\n",
)
case(
    "raw-utf8-subject",
    std(subject=notice, cte="8bit") + b"\r\n" + "请大家准时参加。\r\n".encode(),
    "A UTF-8 subject written raw, without SMTPUTF8 (RFC 6532 needs it): most readers cope, strict ones do not.",
    [("raw-8bit-header", W)],
    headers={"Subject": notice},
    text="请大家准时参加。\r\n",
)
case(
    "charset-missing",
    std(ct="text/plain", cte="8bit") + b"\r\n" + "您的验证码是 384920，十分钟内有效。\r\n".encode(),
    "8-bit text with no charset: RFC 2045 §5.2 says us-ascii, the octets are UTF-8.",
    [("charset-missing", E)],
    text="您的验证码是 384920，十分钟内有效。\r\n",
)
case(
    "charset-missing-no-mime",
    std(ct=None, cte=None, skip=("MIME-Version",)) + b"\r\n" + "Grüße aus Köln, bis Montag.\r\n".encode(),
    "Plain RFC 822 with an 8-bit UTF-8 body: no MIME-Version, no Content-Type, so nothing can say the bytes are UTF-8 (RFC 2045 §4, §5.2).",
    [("missing-mime-version", W, {"message_contains": "8-bit"}), ("charset-missing", E)],
    text="Grüße aus Köln, bis Montag.\r\n",
)
case(
    "charset-mismatch",
    std(ct="text/plain; charset=iso-8859-1", cte="8bit") + b"\r\n" + "您的订单已发货。\r\n".encode(),
    "Declared ISO-8859-1, written in UTF-8: every reader that trusts the label shows mojibake.",
    [("charset-mismatch", E)],
    text="您的订单已发货。\r\n",
)
case(
    "charset-mismatch-gb2312-as-utf8",
    std(ct="text/plain; charset=utf-8", cte="8bit") + b"\r\n" + "您的订单已发货，请注意查收。\r\n".encode("gb2312"),
    "Declared UTF-8, written in GB2312 (a template saved in the wrong editor).",
    [("charset-mismatch", E)],
    text="您的订单已发货，请注意查收。\r\n",
)
zh_hant = "我們明天下午三點在會議室開會，請大家準時參加。"
case(
    "charset-big5-as-gb2312",
    std(ct="text/plain; charset=gb2312", cte="8bit") + b"\r\n" + zh_hant.encode("big5") + b"\r\n",
    "Traditional Chinese in Big5 declared gb2312: the bytes are also valid GBK, which reads them as a jumble of rare Han, kana and Cyrillic; only Big5 gives everyday text.",
    [("charset-mismatch", E, {"part": "1", "message_contains": "Big5"})],
    text=zh_hant + "\r\n",
)
case(
    "charset-short-gbk",
    std(ct="text/plain", cte="8bit") + b"\r\n" + "你好".encode("gbk") + b"\r\n",
    "Two GBK characters and no charset: the same four bytes are two Hangul syllables in EUC-KR and two Han characters in Big5, so nothing can say which was meant.",
    [("charset-missing", E, {"message_contains": "too few bytes"})],
    left=(["charset-missing"], "too little evidence: 4 bytes read as well in GBK, EUC-KR and Big5"),
)
case(
    "charset-short-gbk-gbk-subject",
    std(subject=ew(notice, "GBK"), ct="text/plain", cte="8bit") + b"\r\n" + "你好".encode("gbk") + b"\r\n",
    "The same two GBK characters without a charset, but the Subject is an encoded word in GBK: the rest of the message decides what the body alone cannot.",
    [("charset-missing", E, {"message_contains": "rest of the message"})],
    headers={"Subject": notice},
    text="你好\r\n",
)
case(
    "raw-short-gbk-subject",
    std(subject="X", cte="8bit").replace(b"Subject: X", b"Subject: " + "你好".encode("gbk")) + b"\r\n" + BODY.encode(),
    "A raw Subject of two GBK characters and nothing else in the message to go by: the four bytes read as well in GBK, EUC-KR and Big5 (RFC 6532 §3.2: raw bytes name no charset).",
    [("raw-8bit-header", E, {"message_contains": "too few"})],
    text=BODY,
    left=(["raw-8bit-header"], "too little evidence: 4 bytes read as well in GBK, EUC-KR and Big5"),
)
case(
    "encoded-word-gbk-as-utf8",
    std(subject="=?UTF-8?B?" + base64.b64encode(notice.encode("gbk")).decode() + "?=") + b"\r\n" + BODY.encode(),
    "An encoded word labelled UTF-8 whose bytes are GBK (a PHP script that called mb_encode_mimeheader on GBK text): readers show U+FFFD; its GBK reading is offered.",
    [("encoded-word-invalid", E, {"message_contains": "GBK"})],
    headers={"Subject": notice},
    text=BODY,
)
case(
    "unknown-charset-body",
    std(ct="text/plain; charset=x-user-defined-42", cte="7bit") + b"\r\n" + BODY.encode(),
    "A charset label no registry knows (RFC 2046 §4.1.2).",
    [("unknown-charset", E)],
    text=BODY,
)
case(
    "unknown-charset-word",
    std(subject="=?x-klingon?Q?Qapla=27?=") + b"\r\n" + BODY.encode(),
    "An encoded word in an unknown charset (RFC 2047 §6.3: shown as is).",
    [("unknown-charset", E)],
    text=BODY,
    left=(["unknown-charset"], "no reader knows x-klingon, so fix cannot decode the word and leaves it"),
)

# ---------------------------------------------------------------- encoded words
subject_cn = "季度报告：收入增长百分之二十"
octets = subject_cn.encode()
split_at = 7  # inside the third character (each is 3 octets)
split = "=?UTF-8?B?%s?=\r\n =?UTF-8?B?%s?=" % (
    base64.b64encode(octets[:split_at]).decode(),
    base64.b64encode(octets[split_at:]).decode(),
)
case(
    "encoded-word-split-char",
    std(subject=split) + b"\r\n" + BODY.encode(),
    "A UTF-8 character cut between two encoded words (RFC 2047 §5: each word must hold whole characters).",
    [("encoded-word-split-char", E)],
    headers={"Subject": subject_cn},
    text=BODY,
)
too_long_text = "年度总结报告与明年工作计划安排以及预算说明"
case(
    "encoded-word-too-long",
    std(subject=ew(too_long_text)) + b"\r\n" + BODY.encode(),
    "One encoded word of %d characters (RFC 2047 §2: at most 75)." % len(ew(too_long_text)),
    [("encoded-word-too-long", W), ("header-line-long", W)],
    headers={"Subject": too_long_text},
    text=BODY,
)
case(
    "encoded-word-invalid",
    std(subject="=?UTF-8?B?5L2g5aW9!!!?=") + b"\r\n" + BODY.encode(),
    "An encoded word whose B text is not base64 (RFC 2047 §4.1).",
    [("encoded-word-invalid", E)],
    text=BODY,
)
case(
    "encoded-word-in-quotes",
    std().replace(b"From: Alice <alice@example.com>", b'From: "' + ew("张伟").encode() + b'" <zhangwei@example.com>')
    + b"\r\n"
    + BODY.encode(),
    "An encoded word inside a quoted string (RFC 2047 §5(3): not allowed there; Gmail decodes it, Thunderbird does not).",
    [("encoded-word-in-quotes", W)],
    text=BODY,
)
moji = "Café réunion à 10h".encode().decode("latin-1")
case(
    "mojibake-subject",
    std(subject=ew(moji)) + b"\r\n" + BODY.encode(),
    "The subject was decoded as Latin-1 and re-encoded as UTF-8 by a relay or a template engine.",
    [("mojibake", E)],
    headers={"Subject": "Café réunion à 10h"},
    text=BODY,
)


def read_as_gbk(octets):
    """How a GBK reader (WHATWG: 0x80 is the euro sign) shows UTF-8 octets; a
    lead byte without a valid trail becomes '?', as PHP's iconv and Windows do."""
    out, i = [], 0
    while i < len(octets):
        c = octets[i]
        if c < 0x80:
            out.append(chr(c))
            i += 1
        elif c == 0x80:
            out.append("€")
            i += 1
        else:
            try:
                out.append(octets[i : i + 2].decode("gbk"))
                i += 2
            except UnicodeDecodeError:
                out.append("?")
                i += 1
    return "".join(out)


order = "您好，您的订单已发货"
case(
    "mojibake-gbk-as-latin1",
    std(subject=ew(order.encode("gbk").decode("cp1252"))) + b"\r\n" + BODY.encode(),
    "GBK octets read as Windows-1252 and stored as UTF-8: the subject shows as 'ÄúºÃ£¬…'.",
    [("mojibake", E, {"message_contains": "GBK"})],
    headers={"Subject": order},
    text=BODY,
)
sent = read_as_gbk("发送成功".encode())
case(
    "mojibake-utf8-as-gbk",
    std(subject=ew(sent)) + b"\r\n" + BODY.encode(),
    "UTF-8 octets read as GBK and stored again: the subject shows as '%s'. The last character "
    "was lost to the '?' and is shown as U+FFFD." % sent,
    [("mojibake", E, {"message_contains": "decoded as GBK"})],
    headers={"Subject": "发送成\ufffd"},
    text=BODY,
)
french = "Réunion d'équipe à 10h : café et croissants offerts.\r\n"
case(
    "mojibake-body",
    std(ct="text/plain; charset=UTF-8", cte="8bit") + b"\r\n" + french.encode().decode("cp1252").encode(),
    "A body that went through Latin-1 once too often: 'RÃ©union d'Ã©quipe'. show prints it repaired.",
    [("mojibake", E, {"part": "1"})],
    text=french,
)

# ---------------------------------------------------------------- transfer encodings
bad_b64 = b64(PDF)
bad_b64 = bad_b64[:40] + "*&^" + bad_b64[40:]
case(
    "base64-invalid",
    std(ct='multipart/mixed; boundary="b1"', cte=None)
    + b"\r\n--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
    + BODY.encode()
    + b"--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
    + b'Content-Disposition: attachment; filename="report.pdf"\r\n\r\n'
    + bad_b64.encode()
    + b"--b1--\r\n",
    "Characters outside the base64 alphabet in an attachment (RFC 2045 §6.8): readers differ on what the file holds.",
    [("base64-invalid", E, {"part": "2"})],
    text=IN_PART,
    binary_parts=["2"],
)
case(
    "qp-invalid",
    std(ct="text/plain; charset=UTF-8", cte="quoted-printable") + b"\r\nDiscount =ZZ 50% today, caf=C3=A9 open=\r\n",
    "'=ZZ' and a bare '50%' pass through, but '=ZZ' is not a QP escape (RFC 2045 §6.7(1)).",
    [("qp-invalid", W)],
)

# ---------------------------------------------------------------- multipart structure
case(
    "multipart-unterminated",
    std(ct='multipart/alternative; boundary="alt"', cte=None)
    + b"\r\n--alt\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nPlain.\r\n"
    + b"--alt\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>Plain.</p>\r\n",
    "No closing '--alt--' (RFC 2046 §5.1.1): truncated in transit or by a careless writer.",
    [("multipart-unterminated", W)],
    text="Plain.",
)
case(
    "boundary-missing",
    std(ct='multipart/mixed; boundary="not-this-one"', cte=None)
    + b"\r\n--other-boundary\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
    + BODY.encode()
    + b"--other-boundary--\r\n",
    "The declared boundary never occurs (RFC 2046 §5.1.1): the body is one preamble, readers show nothing.",
    [("boundary-missing", E)],
)
logo = png()
case(
    "cid-missing",
    std(ct='multipart/related; boundary="rel"', cte=None)
    + b"\r\n--rel\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n"
    + b'<p>Welcome!</p><img src="cid:logo@example.com">\r\n'
    + b"--rel\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
    + b"Content-ID: <banner@example.com>\r\n\r\n"
    + b64(logo).encode()
    + b"--rel--\r\n",
    "The HTML refers to cid:logo@example.com, no part has that Content-ID (RFC 2392): a broken image.",
    [("cid-missing", E), ("cid-unused", I), ("html-without-text", W)],
    binary_parts=["2"],
)
case(
    "cid-unused",
    std(ct='multipart/related; boundary="rel"', cte=None)
    + b"\r\n--rel\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"
    + b"--alt\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nWelcome!\r\n"
    + b"--alt\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>Welcome!</p>\r\n--alt--\r\n"
    + b"--rel\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
    + b"Content-ID: <logo@example.com>\r\n\r\n"
    + b64(logo).encode()
    + b"--rel--\r\n",
    "An inline image nothing refers to: some clients hide it, others show it as an attachment.",
    [("cid-unused", I)],
    text="Welcome!",
    binary_parts=["2"],
)
case(
    "html-without-text",
    std(ct="text/html; charset=UTF-8") + b"\r\n<html><body><p>Your code is <b>384920</b>.</p></body></html>\r\n",
    "HTML only: text-only readers and spam filters see no text alternative.",
    [("html-without-text", W)],
    text="Your code is 384920.\n",
)

# ---------------------------------------------------------------- attachment names
report_name = "季度报告.pdf"


def attachment(disposition, ct_name=None):
    ct = "application/pdf" + ("; " + ct_name if ct_name else "")
    return (
        std(ct='multipart/mixed; boundary="b1"', cte=None)
        + b"\r\n--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
        + BODY.encode()
        + b"--b1\r\nContent-Type: "
        + ct.encode()
        + b"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: "
        + disposition
        + b"\r\n\r\n"
        + b64(PDF).encode()
        + b"--b1--\r\n"
    )


case(
    "filename-raw-utf8",
    attachment(b'attachment; filename="' + report_name.encode() + b'"'),
    "A Chinese file name as raw UTF-8 in a part header (RFC 2183 §2.3 and RFC 2231 want it encoded).",
    # UTF-8 is what RFC 6532 would allow with SMTPUTF8, and what most readers
    # guess: a warning, like the raw UTF-8 subject above.
    [("filename-unencoded", W), ("raw-8bit-header", W)],
    text=IN_PART,
    binary_parts=["2"],
)
bidi_name = "invoice\u202efdp.exe"  # shows as "invoiceexe.pdf"
case(
    "filename-bidi",
    attachment(
        b"attachment;\r\n filename*=UTF-8''invoice%E2%80%AEfdp.exe;\r\n filename=\""
        + ew(bidi_name).encode()
        + b'"'
    ),
    "A file name with U+202E RIGHT-TO-LEFT OVERRIDE: 'invoice\u202efdp.exe' shows as 'invoiceexe.pdf', an executable disguised as a PDF.",
    [("filename-bidi", W, {"part": "2"})],
    text=IN_PART,
    binary_parts=["2"],
)
case(
    "filename-rfc2231-only",
    attachment(b"attachment;\r\n filename*=UTF-8''%E5%AD%A3%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf"),
    "Only the RFC 2231 form of the name: Outlook and QQ Mail show 'ATT00001.bin'.",
    [("filename-unencoded", W)],
    text=IN_PART,
    binary_parts=["2"],
)
case(
    "filename-encoded-word-in-quotes",
    attachment(b'attachment;\r\n filename="' + ew(report_name).encode() + b'"'),
    "The name as an RFC 2047 word inside the quoted parameter and nothing else (RFC 2047 §5 forbids it; Thunderbird shows the raw word).",
    [("encoded-word-in-quotes", W)],
    text=IN_PART,
    binary_parts=["2"],
)

# ---------------------------------------------------------------- the realistic one
signup_html = (
    "<html><head><title>欢迎</title></head><body>"
    "<p>欢迎注册！</p><p>您的验证码是 <b>384920</b>，十分钟内有效。</p></body></html>\n"
)
case(
    "signup-notice-gbk",
    hdrs(
        "From: 某某网 <noreply@example.cn>",
        "To: user@qq.com",
        "Subject: 欢迎注册某某网",
        "Date: " + DATE,
        "MIME-Version: 1.0",
        "Content-Type: text/html",
        "Content-Transfer-Encoding: 8bit",
    ).replace(b"\r\n", b"\n").decode().encode("gbk")
    + b"\n"
    + signup_html.encode("gbk"),
    "What a PHP sign-up script sent to QQ Mail users: GBK headers and HTML with no charset, Unix line ends, no Message-ID, no text part.",
    [
        ("raw-8bit-header", E),  # From: the display name
        ("raw-8bit-header", E),  # Subject
        ("charset-missing", E),
        ("bare-lf", I),
        ("missing-message-id", W),
        ("html-without-text", W),
    ],
    headers={"From": "某某网 <noreply@example.cn>", "Subject": "欢迎注册某某网"},
    text="欢迎注册！\n\n您的验证码是 384920，十分钟内有效。\n",
)

php_body = "张先生：\r\n\r\n您好！附件是十一月的对账单，请查收。如有疑问请回复本邮件。\r\n\r\n财务部"
php_name = "十一月对账单.pdf"
case(
    "php-notice-gbk",
    hdrs(
        "From: 财务部 <billing@example.cn>",
        "To: zhang@example.com",
        "Subject: 十一月对账单",
        "Date: " + DATE,
        "Message-ID: <php.1@example.cn>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b1"',
    )
    .decode()
    .encode("gbk")
    + b"\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    + php_body.encode("gbk")
    + b"\r\n--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
    + b'Content-Disposition: attachment; filename="'
    + php_name.encode("gbk")
    + b'"\r\n\r\n'
    + b64(PDF).encode()
    + b"--b1--\r\n",
    "A notice from a PHP script on a GBK server: raw GBK subject and sender name, a body "
    "declared UTF-8 but written in GBK, a raw GBK attachment name. Gmail and Outlook show "
    "mojibake in all three places.",
    [
        ("raw-8bit-header", E, {"message_contains": "From"}),
        ("raw-8bit-header", E, {"message_contains": "Subject"}),
        ("charset-mismatch", E, {"part": "1", "message_contains": "GBK"}),
        ("raw-8bit-header", E, {"part": "2", "message_contains": "Content-Disposition"}),
        ("filename-unencoded", W, {"part": "2", "message_contains": "legacy charset"}),
    ],
    headers={"From": "财务部 <billing@example.cn>", "Subject": "十一月对账单"},
    text=php_body,
    binary_parts=["2"],
)

# ---------------------------------------------------------------- clean messages
case(
    "dsn-missing-message-id",
    std(
        subject="Undelivered Mail Returned to Sender",
        ct='multipart/report; report-type=delivery-status; boundary="dsn"',
        cte=None,
        skip=("Message-ID",),
    )
    + b"\r\n--dsn\r\nContent-Type: text/plain; charset=US-ASCII\r\n\r\nThe message could not be delivered.\r\n"
    + b"--dsn\r\nContent-Type: message/delivery-status\r\n\r\n"
    + b"Reporting-MTA: dns; mail.example.com\r\n\r\nFinal-Recipient: rfc822; bob@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n"
    + b"--dsn\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: Alice <alice@example.com>\r\nSubject: Report\r\n"
    + b"--dsn--\r\n",
    "A delivery report (RFC 3464) without Message-ID: fix adds one and keeps message/delivery-status as it is, never base64.",
    [("missing-message-id", W)],
    # show follows the human-readable part with the report's fields (RFC 6522 §3).
    text="The message could not be delivered.\n--- message/delivery-status (part 2) ---\n"
    "Reporting-MTA: dns; mail.example.com\r\n\r\nFinal-Recipient: rfc822; bob@example.net\r\n"
    "Action: failed\r\nStatus: 5.1.1",
    binary_parts=["2"],
)
case(
    "clean-plain-ascii",
    std() + b"\r\n" + BODY.encode(),
    "A plain ASCII message, as RFC 5322 wants it.",
    text=BODY,
)
case(
    "clean-chinese-subject",
    std(subject=ew("关于明天下午开会的通知"), ct="text/plain; charset=UTF-8", cte="base64")
    + b"\r\n"
    + b64("请大家准时参加。\r\n".encode()).encode(),
    "A Chinese subject in one B encoded word, a base64 UTF-8 body.",
    headers={"Subject": "关于明天下午开会的通知"},
    text="请大家准时参加。\r\n",
)
case(
    "clean-short-cjk",
    std(subject=ew("为什么"), ct="text/plain; charset=UTF-8", cte="base64")
    + b"\r\n"
    + b64("ゥゥゥ\r\n".encode()).encode(),
    "Short correct CJK text whose legacy encodings happen to be valid UTF-8 "
    "(GBK 为什么 is UTF-8 Ϊʲô, Big5 ゥゥゥ is ǡǡǡ): nothing to repair, whatever a weak detector says.",
    headers={"Subject": "为什么"},
    text="ゥゥゥ\r\n",
)
case(
    "clean-alternative",
    std(ct='multipart/alternative; boundary="alt"', cte=None)
    + b"\r\n--alt\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nYour code is 384920.\r\n"
    + b"--alt\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>Your code is <b>384920</b>.</p>\r\n--alt--\r\n",
    "Text and HTML alternatives (RFC 2046 §5.1.4), text first.",
    text="Your code is 384920.",
)
case(
    "clean-related-cid",
    std(ct='multipart/alternative; boundary="alt"', cte=None)
    + b"\r\n--alt\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nWelcome!\r\n"
    + b'--alt\r\nContent-Type: multipart/related; boundary="rel"\r\n\r\n'
    + b'--rel\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>Welcome!</p><img src="cid:logo@example.com">\r\n'
    + b"--rel\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
    + b"Content-ID: <logo@example.com>\r\nContent-Disposition: inline\r\n\r\n"
    + b64(logo).encode()
    + b"--rel--\r\n--alt--\r\n",
    "An inline image in multipart/related, referred to by cid: (RFC 2387, RFC 2392).",
    text="Welcome!",
    binary_parts=["2.2"],
)
case(
    "clean-attachment-both-names",
    attachment(
        b"attachment;\r\n filename*=UTF-8''%E5%AD%A3%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf;\r\n filename=\""
        + ew(report_name).encode()
        + b'"',
        'name="' + ew(report_name) + '"',
    ),
    "A Chinese file name in both forms: RFC 2231 for standard readers, the encoded word Outlook reads.",
    text=IN_PART,
    binary_parts=["2"],
)
case(
    "clean-iso-2022-jp",
    std(subject=ew("会議のお知らせ", "ISO-2022-JP"), ct="text/plain; charset=ISO-2022-JP")
    + b"\r\n"
    + "明日の会議は十時からです。\r\n".encode("iso-2022-jp"),
    "Japanese in ISO-2022-JP, 7bit throughout (RFC 1468), as Japanese mailers still send it.",
    headers={"Subject": "会議のお知らせ"},
    text="明日の会議は十時からです。\r\n",
)
case(
    "clean-forwarded",
    std(ct='multipart/mixed; boundary="fw"', cte=None)
    + b"\r\n--fw\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nSee below.\r\n"
    + b"--fw\r\nContent-Type: message/rfc822\r\n\r\n"
    + hdrs(
        "From: Carol <carol@example.org>",
        "To: Alice <alice@example.com>",
        "Subject: " + ew("会议纪要"),
        "Date: " + DATE,
        "Message-ID: <inner@example.org>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: base64",
    )
    + b"\r\n"
    + b64("纪要见附件。\r\n".encode()).encode()
    + b"--fw--\r\n",
    "A forwarded message as message/rfc822, 7bit as RFC 2046 §5.2.1 requires.",
    text="See below.",
)
case(
    "clean-quoted-printable",
    std(subject="=?UTF-8?Q?Caf=C3=A9_r=C3=A9union?=", ct="text/plain; charset=UTF-8", cte="quoted-printable")
    + b"\r\nCaf=C3=A9 r=C3=A9union =C3=A0 10h, salle 2. Merci de confirmer votre pr=C3=A9sence =\r\navant jeudi.\r\n",
    "French in quoted-printable with a soft line break (RFC 2045 §6.7).",
    headers={"Subject": "Café réunion"},
    text="Café réunion à 10h, salle 2. Merci de confirmer votre présence avant jeudi.\r\n",
)


def main():
    for old in os.listdir(HERE):
        if old.endswith(".eml") or old.endswith(".diag.json"):
            os.remove(os.path.join(HERE, old))
    rows = []
    for c in CASES:
        with open(os.path.join(HERE, c["name"] + ".eml"), "wb") as f:
            f.write(c["raw"])
        with open(os.path.join(HERE, c["name"] + ".diag.json"), "w", encoding="utf-8") as f:
            json.dump(c["diag"], f, ensure_ascii=False, indent=2)
            f.write("\n")
        codes = ", ".join("%s (%s)" % (d["code"], d["severity"]) for d in c["diag"]["diagnostics"]) or "clean"
        rows.append("| `%s.eml` | %s | %s |" % (c["name"], codes, c["what"].replace("|", "\\|")))
    with open(os.path.join(HERE, "README.md"), "w", encoding="utf-8") as f:
        f.write(
            "# Garbled messages\n\n"
            "Messages broken on purpose, the way real senders break them. Written by\n"
            "`make.py` (run `python3 testdata/garbled/make.py` after editing it); each\n"
            "`NAME.eml` has `NAME.diag.json`, the diagnosis `eml lint` must give, the\n"
            "decoded headers and text, and the parts `eml fix` must keep byte for byte.\n"
            "`crates/eml/tests/garbled.rs` runs every command on every sample.\n\n"
            "| Sample | Expected diagnostics | What is wrong |\n|---|---|---|\n" + "\n".join(rows) + "\n"
        )
    print("wrote %d samples" % len(CASES))


if __name__ == "__main__":
    main()
