#!/usr/bin/env python3
"""Writes small, byte-exact CRLF test messages for the seven-parser crosscheck.

    python3 scripts/quirks/make_cases.py [OUTDIR]      # default: target/quirks/cases

Each case varies ONE thing against a plain base message (header forms of display
names, subjects, attachment file names, addresses, and MIME structure). Next to the
.eml files it writes cases.json: for every case its id, group, title, whether the
form is RFC-valid (and why not), the raw header/body excerpt that varies, and the
reading an RFC-conforming parser should report (`expect`, as paths into crosscheck's
normalized summary, e.g. "from[0].name", "tree.parts[1].filename").

No email library is used to write the messages: every octet is spelled out here.
scripts/quirks/summarise.py turns crosscheck's --json output into docs tables.
"""
import base64
import hashlib
import json
import os
import sys
import unicodedata

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "target", "quirks", "cases")

CRLF = "\r\n"
FOLD = "\r\n "          # RFC 5322 §2.2.3 folding: CRLF followed by WSP
FOLD_TAB = "\r\n\t"

# ------------------------------------------------------------------ encoders


def bw(s, cs="UTF-8", enc=None):
    """One RFC 2047 B encoded word."""
    data = s.encode(enc or cs.lower().split("*")[0]) if isinstance(s, str) else s
    return "=?%s?B?%s?=" % (cs, base64.b64encode(data).decode())


# RFC 2047 §5(3): in a phrase, Q may use only letters, digits, ! * + - / (and = _ as syntax)
PHRASE_SAFE = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")


def q_text(data, safe=PHRASE_SAFE):
    out = []
    for c in data:
        if c == 0x20:
            out.append("_")
        elif c in safe:
            out.append(chr(c))
        else:
            out.append("=%02X" % c)
    return "".join(out)


def qw(s, cs="UTF-8", safe=PHRASE_SAFE):
    """One RFC 2047 Q encoded word (phrase-safe alphabet unless told otherwise)."""
    data = s.encode(cs.lower()) if isinstance(s, str) else s
    return "=?%s?Q?%s?=" % (cs, q_text(data, safe))


def b_len(s):
    n = len(s.encode("utf-8"))
    return 12 + 4 * ((n + 2) // 3)


def q_len(s):
    return 12 + len(q_text(s.encode("utf-8")))


def split_chars(s, max_word, measure):
    """Split s at character (code point) boundaries into the fewest pieces whose
    encoded word is at most max_word characters."""
    pieces, cur = [], ""
    for ch in s:
        if cur and measure(cur + ch) > max_word:
            pieces.append(cur)
            cur = ch
        else:
            cur += ch
    if cur:
        pieces.append(cur)
    return pieces


def b_words(s, max_word=70):
    return [bw(p) for p in split_chars(s, max_word, b_len)]


def q_words(s, max_word=70):
    return [qw(p) for p in split_chars(s, max_word, q_len)]


def pct(s):
    """RFC 2231 §4 extended-value octets: attribute-char stays, everything else %XX."""
    keep = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")
    return "".join(chr(c) if c in keep else "%%%02X" % c for c in s.encode("utf-8"))


def pct_segments(s, max_seg):
    """Percent-encoded RFC 2231 segments split between characters, each <= max_seg chars."""
    segs, cur = [], ""
    for ch in s:
        e = pct(ch)
        if cur and len(cur) + len(e) > max_seg:
            segs.append(cur)
            cur = e
        else:
            cur += e
    if cur:
        segs.append(cur)
    return segs


def text_digest(s):
    """crosscheck's normalized text body: CRLF/CR -> LF, trailing LFs stripped, UTF-8."""
    s = s.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    b = s.encode("utf-8")
    return {"kind": "text", "sha256": hashlib.sha256(b).hexdigest(), "len": len(b)}


def bytes_digest(b):
    return {"kind": "bytes", "sha256": hashlib.sha256(b).hexdigest(), "len": len(b)}


def b64_lines(data, width=76):
    enc = base64.b64encode(data).decode()
    return CRLF.join(enc[i:i + width] for i in range(0, len(enc), width))


# ------------------------------------------------------------------ test data

SHORT = "张三"
N1 = "北京某某科技有限公司客户服务中心（华东区）"                       # 21 characters
N2 = N1 + "上海分部国际业务联络办公室暨长三角区域合作伙伴支持组"              # 46 characters
SUBJ_LONG = ("二〇二六年第一季度华东区销售与市场综合分析报告及下一季度预算调整建议"
             "（董事会审议稿）请各部门负责人于三月十五日前反馈意见")              # 60+ characters
FN_SHORT = "季度报告.pdf"
FN_LONG = ("二〇二六年第一季度华东区及华南区销售与市场综合分析报告暨下一季度预算调整"
           "与人员配置建议（董事会第三次审议稿）最终版本.pdf")                       # 60+ characters
SPECIALS = '"(),.:;<>@[\\]'
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
assert len(SUBJ_LONG) >= 60 and len(FN_LONG) >= 60, (len(SUBJ_LONG), len(FN_LONG))

DATE = "Tue, 03 Mar 2026 10:15:00 +0800"
BODY = "body" + CRLF

# ------------------------------------------------------------------ message assembly

CASES = []


def headers_block(pairs):
    return "".join("%s: %s%s" % (k, v, CRLF) if v != "" else "%s:%s" % (k, CRLF) for k, v in pairs)


def message(cid, *, frm="Zhang San <zhang@example.cn>", to="Li Si <li@example.cn>", subject=None,
            extra=(), ctype="text/plain; charset=utf-8", cte="7bit", body=BODY, raw_headers=None):
    """A whole message as bytes. raw_headers replaces the From..To lines wholesale."""
    pairs = []
    if raw_headers is not None:
        pairs.extend(raw_headers)
    else:
        if frm is not None:
            pairs.append(("From", frm))
        if to is not None:
            pairs.append(("To", to))
    pairs.append(("Subject", subject if subject is not None else "quirks " + cid))
    pairs += [("Date", DATE), ("Message-ID", "<%s@quirks.example>" % cid), ("MIME-Version", "1.0")]
    pairs.extend(extra)
    if ctype is not None:
        pairs.append(("Content-Type", ctype))
    if cte is not None:
        pairs.append(("Content-Transfer-Encoding", cte))
    data = (headers_block(pairs) + CRLF + body).encode("utf-8")
    return data


def add(cid, group, title, data, expect, *, valid=True, why="", shows=None, note=""):
    """Register a case. `shows` is the varying excerpt for the docs (default: first differing header)."""
    assert cid not in {c["id"] for c in CASES}, cid
    assert b"\n" not in data.replace(b"\r\n", b""), cid + ": bare LF"
    lines = data.split(b"\r\n")
    ew_lines = [ln for ln in lines if b"=?" in ln]
    CASES.append({
        "id": cid, "group": group, "title": title, "valid": valid, "why_invalid": why,
        "expect": expect, "shows": shows, "note": note,
        "max_line": max(len(ln) for ln in lines),
        "max_ew_line": max([len(ln) for ln in ew_lines] or [0]),
        "data": data,
    })


def attach_msg(cid, *, ct_params="", cd="attachment", extra_part_headers=(), subject=None):
    """multipart/mixed: a text part and an application/pdf part whose naming varies."""
    part_head = "Content-Type: application/pdf%s%s" % (ct_params, CRLF)
    part_head += "Content-Transfer-Encoding: base64" + CRLF
    if cd is not None:
        part_head += "Content-Disposition: %s%s" % (cd, CRLF)
    for k, v in extra_part_headers:
        part_head += "%s: %s%s" % (k, v, CRLF)
    body = ("--b1" + CRLF + "Content-Type: text/plain; charset=utf-8" + CRLF + CRLF + "see attachment" + CRLF
            + "--b1" + CRLF + part_head + CRLF + b64_lines(PDF) + CRLF + "--b1--" + CRLF)
    return message(cid, ctype='multipart/mixed; boundary="b1"', cte=None, body=body, subject=subject)


def fn_expect(name, n_parts=2):
    return {"tree.parts[1].filename": name}


# ================================================================== display names (RFC 2047 §5(3), RFC 5322 §3.4)
G = "display-name"


def dn(cid, title, name_field, expect_name, **kw):
    addr = kw.pop("addr", " <zhang@example.cn>")
    last = ("From: " + name_field).split("\r\n")[-1]
    if kw.get("valid", True) and len(last + addr) > 76:
        addr = FOLD + addr.lstrip()      # keep every line with encoded words <= 76 (RFC 2047 §2)
    frm = name_field + addr
    add(cid, G, title, message(cid, frm=frm), {"from[0].name": expect_name, "from[0].address": "zhang@example.cn"},
        shows="From: " + frm, **kw)


dn("dn-b-short", "short Chinese name, one B word", bw(SHORT), SHORT)
dn("dn-q-short", "short Chinese name, one Q word", qw(SHORT), SHORT)
dn("dn-b-short-split-space", "2-character name split into two B words, one SPACE between", bw("李") + " " + bw("四"), "李四")
dn("dn-b-short-split-2space", "two B words, three SPACEs between", bw("李") + "   " + bw("四"), "李四")
dn("dn-b-short-split-tab", "two B words, one TAB between", bw("李") + "\t" + bw("四"), "李四")
dn("dn-b-short-split-fold", "two B words, CRLF SP between", bw("李") + FOLD + bw("四"), "李四")
dn("dn-q-short-split-space", "two Q words, one SPACE between", qw("李") + " " + qw("四"), "李四")
dn("dn-bq-short-split-space", "B word then Q word, one SPACE between", bw("李") + " " + qw("四"), "李四")

w = b_words(N1)
assert len(w) == 2
dn("dn-b-long-1word", "21-char name in ONE B word (96 chars > 75)", bw(N1), N1,
   valid=False, why="encoded word longer than 75 characters (RFC 2047 §2); line longer than 76")
dn("dn-b-long-space", "21-char name, 2 B words split at a character boundary, SPACE between (one line)",
   " ".join(w), N1, valid=False, why="line with encoded words longer than 76 characters (RFC 2047 §2)")
dn("dn-b-long-fold", "21-char name, 2 B words, CRLF SP between", FOLD.join(w), N1)
dn("dn-b-long-fold-tab", "21-char name, 2 B words, CRLF TAB between", FOLD_TAB.join(w), N1)
wq = q_words(N1)
dn("dn-q-long-fold", "21-char name, %d Q words, CRLF SP between" % len(wq), FOLD.join(wq), N1)
dn("dn-q-long-space", "21-char name, %d Q words, SPACE between (one line)" % len(wq), " ".join(wq), N1,
   valid=False, why="line with encoded words longer than 76 characters (RFC 2047 §2)")
w2 = b_words(N2)
dn("dn-b-longer-fold", "46-char name, %d B words, CRLF SP between" % len(w2), FOLD.join(w2), N2)
dn("dn-b-longer-1word", "46-char name in ONE B word (196 chars)", bw(N2), N2,
   valid=False, why="encoded word longer than 75 characters (RFC 2047 §2)")
# the split itself: in the middle of a character (invalid, reference for the ones above)
n1b = N1.encode("utf-8")
dn("dn-b-long-split-in-char", "21-char name, 2 B words split INSIDE a UTF-8 sequence, CRLF SP",
   bw(n1b[:31], enc="utf-8") + FOLD + bw(n1b[31:], enc="utf-8"), N1,
   valid=False, why="an encoded word must hold whole characters (RFC 2047 §5)")
dn("dn-b-nows", "two B words with NO whitespace between", bw("李") + bw("四"), "李四",
   valid=False, why="encoded words in a phrase must be separated by linear-white-space (RFC 2047 §5(3))")
N3 = (N2 + "及华南区华北区西南区东北区客户关系维护与售后服务质量监督管理委员会秘书处办公室综合协调小组第一联络组联系人")[:100]
assert len(N3) == 100
dn("dn-b-longest-1word", "%d-char name in ONE B word (%d chars)" % (len(N3), b_len(N3)), bw(N3), N3,
   valid=False, why="encoded word longer than 75 characters (RFC 2047 §2)")
dn("dn-b-split-comment", "two B words with a comment between: =?..?= (x) =?..?=", bw("李") + " (x) " + bw("四"), "李四",
   note="valid CFWS; RFC 5322 §3.4 leaves comments out of the display name")
dn("dn-b-pad-first-fold", "B words where the FIRST has base64 padding ('ACME ' = 5 octets), CRLF SP", bw("ACME ") + FOLD + bw("北京分公司"), "ACME 北京分公司")
dn("dn-b-3n-first-fold", "B words where the first holds 3n octets (no padding): 'ACM' | 'E 北京分公司', CRLF SP",
   bw("ACM") + FOLD + bw("E 北京分公司"), "ACME 北京分公司")
dn("dn-ascii-atoms-fold", "ASCII display name folded between two atoms: Zhang CRLF SP San", "Zhang" + FOLD + "San", "Zhang San")
dn("dn-ew-fold-ascii", "B word, CRLF SP, ASCII atom", bw("北京分公司") + FOLD + "ACME", "北京分公司 ACME")
dn("dn-quoted-fold", "quoted-string folded inside: \"Zhang CRLF SP San\"", '"Zhang' + FOLD + 'San"', "Zhang San")
dn("dn-bq-pad-fold", "padded B word ('ACME ') then a Q word, CRLF SP", bw("ACME ") + FOLD + qw("北京分公司"), "ACME 北京分公司")
dn("dn-q-mixed-fold", "whole mixed name in Q words ('ACME ' | '北京分公司'), CRLF SP", qw("ACME ") + FOLD + qw("北京分公司"), "ACME 北京分公司")
add("dn-fold-before-name", G, "'From:' CRLF SP, then one B word and the address",
    message("dn-fold-before-name", frm="").replace(b"From:\r\n", ("From:" + FOLD + bw(N1[:14]) + " <zhang@example.cn>" + CRLF).encode()),
    {"from[0].name": N1[:14], "from[0].address": "zhang@example.cn"}, shows="From:" + FOLD + bw(N1[:14]) + " <zhang@example.cn>")
dn("dn-b-long-fold-space-inside", "name with a real space ('北京某某科技 ACME客户'), space carried at the END of word 1",
   bw("北京某某科技 ") + FOLD + bw("ACME客户"), "北京某某科技 ACME客户")
dn("dn-quoted-ew-1", "one B word inside a quoted-string", '"%s"' % bw(SHORT), SHORT,
   valid=False, why="an encoded word must not appear within a quoted-string (RFC 2047 §5)",
   note="RFC reading is the literal text; `expect` is what the sender meant")
dn("dn-quoted-ew-2", "two B words inside one quoted-string, SPACE between", '"%s"' % " ".join(w), N1,
   valid=False, why="encoded words inside a quoted-string (RFC 2047 §5); line > 76",
   note="RFC reading is the literal text; `expect` is what the sender meant")
dn("dn-raw-utf8-quoted", "raw UTF-8 name in a quoted-string (RFC 6532, no RFC 2047)", '"%s"' % N1, N1,
   valid=False, why="8-bit header: only valid with RFC 6532 / SMTPUTF8",
   note="the Perl stack reads the octets as Latin-1; its mojibake contains U+0085, at which crosscheck's "
        "str.splitlines() cuts the JSON line, hence ERROR (run alone, the Perl adapter returns the mojibake)")
# mixed ASCII + CJK
dn("dn-mixed-ascii-ew", "ASCII atom, SPACE, B word: 'ACME 北京分公司'", "ACME " + bw("北京分公司"), "ACME 北京分公司")
dn("dn-mixed-ew-ascii", "B word, SPACE, ASCII atom: '张三 Zhang'", bw("张三") + " Zhang", "张三 Zhang")
dn("dn-mixed-ascii-ew-ascii", "atom, B word, atom: 'ACME 北京 Ltd'", "ACME " + bw("北京") + " Ltd", "ACME 北京 Ltd")
dn("dn-mixed-ascii-ew-fold", "atom, CRLF SP, B word", "ACME" + FOLD + bw("北京分公司"), "ACME 北京分公司")
dn("dn-mixed-all-in-ew", "whole mixed name in one B word", bw("ACME 北京分公司"), "ACME 北京分公司")
dn("dn-mixed-ew-quoted", "B word then quoted-string: '张三 \"Zhang, S.\"'", bw("张三") + ' "Zhang, S."', "张三 Zhang, S.")
# specials in encoded names (RFC 2047 §5(3))
spec_name = "李" + SPECIALS
dn("dn-specials-q", "name with all specials %s, one Q word, phrase alphabet (all =XX)" % SPECIALS, qw(spec_name), spec_name)
dn("dn-specials-b", "name with all specials, one B word", bw(spec_name), spec_name)
dn("dn-specials-q-literal-comma", "Q word with a LITERAL comma and parens: =?UTF-8?Q?Li,_Si_(Sales)?=",
   "=?UTF-8?Q?Li,_Si_(Sales)?=", "Li, Si (Sales)",
   valid=False, why="',', '(' and ')' are not allowed in a Q word in a phrase (RFC 2047 §5(3))")
dn("dn-q-underscore", "Q word with '_' (space) and '=5F' (literal underscore): 'a_b c'", "=?UTF-8?Q?a=5Fb_c?=", "a_b c")
# quoted-string ASCII names (RFC 5322 §3.2.4)
dn("dn-quoted-escapes", r'quoted-string with \" and \\: "Li \"Boss\" Si \\ HQ"', r'"Li \"Boss\" Si \\ HQ"', 'Li "Boss" Si \\ HQ')
dn("dn-quoted-specials", 'quoted-string with specials: "Li, Si (Sales) <HQ>; [A]: c.d@e"',
   '"Li, Si (Sales) <HQ>; [A]: c.d@e"', "Li, Si (Sales) <HQ>; [A]: c.d@e")
dn("dn-quoted-empty", 'empty quoted-string: "" <addr>', '""', "")
dn("dn-obs-phrase-dots", "unquoted periods (obs-phrase): Dr. John Q. Public", "Dr. John Q. Public", "Dr. John Q. Public",
   valid=False, why="'.' in a phrase is obsolete syntax (RFC 5322 §4.1); write a quoted-string")

# ================================================================== subjects (RFC 2047 §5(1), §6.2; RFC 5322 §2.2.3)
G = "subject"


def sj(cid, title, value, expect, **kw):
    add(cid, G, title, message(cid, subject=value), {"subject": expect}, shows="Subject: " + value, **kw)


sw = b_words(SUBJ_LONG, 66)       # 'Subject: ' + 64-char word = 73 <= 76
sj("sj-b-long-fold", "%d-char subject, %d B words, CRLF SP between" % (len(SUBJ_LONG), len(sw)), FOLD.join(sw), SUBJ_LONG)
sq = q_words(SUBJ_LONG[:30], 70)
sj("sj-q-long-fold", "30-char subject, %d Q words, CRLF SP between" % len(sq), FOLD.join(sq), SUBJ_LONG[:30])
sj("sj-b-long-space", "%d B words on ONE line, SPACE between" % len(sw), " ".join(sw), SUBJ_LONG,
   valid=False, why="line with encoded words longer than 76 (RFC 2047 §2)")
sj("sj-b-long-1word", "60+-char subject in ONE B word", bw(SUBJ_LONG), SUBJ_LONG,
   valid=False, why="encoded word longer than 75 (RFC 2047 §2)")
sj("sj-b-split-2space-tab", "two B words separated by SP SP TAB", bw("季度") + "  \t" + bw("报告"), "季度报告")
sj("sj-q-leading-ws", "ASCII 'Re:', SPACE, Q word starting with 2 encoded spaces", "Re: =?UTF-8?Q?__lead?=", "Re:   lead")
sj("sj-q-trailing-ws", "Q word ending with 2 encoded spaces, SPACE, ASCII 'end'", "=?UTF-8?Q?tail__?= end", "tail   end")
sj("sj-q-ws-runs-underscore", "runs of spaces/tabs inside a Q word: a___b=09=09c", "=?UTF-8?Q?a___b=09=09c?=", "a   b\t\tc")
sj("sj-q-ws-runs-hex", "runs of spaces/tabs inside a Q word: a=20=20=20b=09=09c", "=?UTF-8?Q?a=20=20=20b=09=09c?=", "a   b\t\tc")
sj("sj-q-ws-only-word", "a Q word that is only spaces, between two words", "=?UTF-8?Q?a?= =?UTF-8?Q?___?= =?UTF-8?Q?b?=", "a   b")
sj("sj-literal-ws-runs", "literal runs of spaces and tabs between ASCII words", "a   b\t\tc", "a   b\t\tc")
sj("sj-literal-ws-between-ew", "literal SP SP SP TAB SP between two encoded words", "=?UTF-8?Q?a?=   \t =?UTF-8?Q?b?=", "ab")
sj("sj-literal-ws-ascii-ew", "ASCII word, 3 literal SPACEs, encoded word", "a   =?UTF-8?Q?b?=", "a   b")
sj("sj-literal-eq-question", "literal '=?' in plain text: 'Is 1+1 =? 2 or =?3'", "Is 1+1 =? 2 or =?3", "Is 1+1 =? 2 or =?3")
sj("sj-literal-ew-lookalike", "B word whose decoded text is itself '=?UTF-8?B?5byg?='", bw("=?UTF-8?B?5byg?="), "=?UTF-8?B?5byg?=")
sj("sj-unknown-charset", "encoded word with an unknown charset x-unknown", "=?x-unknown?Q?abc?=", "=?x-unknown?Q?abc?=",
   note="RFC 2047 §6.2 allows showing the encoded word as-is; `expect` is that")
sj("sj-unknown-encoding", "encoded word with an unknown encoding X", "=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=",
   valid=False, why="encoding must be B or Q (RFC 2047 §4)")
sj("sj-mixed-ascii-ew-ascii", "'Re: ' B word ' final'", "Re: " + bw("季度报告") + " final", "Re: 季度报告 final")
sj("sj-mixed-ew-fold-ascii", "B word, CRLF SP, ASCII word", bw("季度报告") + FOLD + "final", "季度报告 final")
sj("sj-mixed-ascii-fold-ew", "ASCII word, CRLF SP, B word", "Re:" + FOLD + bw("季度报告"), "Re: 季度报告")
sj("sj-mixed-ascii-ew-nospace", "'Re:' directly followed by a B word (no space)", "Re:" + bw("季度报告"), "Re:季度报告",
   valid=False, why="encoded word not separated from adjacent text (RFC 2047 §5(1))",
   note="RFC reading leaves the word undecoded; `expect` is what the sender meant")
sj("sj-mixed-ew-ascii-nospace", "B word directly followed by '!' (no space)", bw("季度报告") + "!", "季度报告!",
   valid=False, why="encoded word not separated from adjacent text (RFC 2047 §5(1))",
   note="RFC reading leaves the word undecoded; `expect` is what the sender meant")
for name, ch in [("nul", "\x00"), ("bel", "\x07"), ("esc", "\x1b"), ("del", "\x7f")]:
    sj("sj-ctl-%s-b" % name, "%s (U+%04X) inside a B word" % (name.upper(), ord(ch)), bw("前" + ch + "后"), "前" + ch + "后",
       note="RFC 2047 does not forbid it; a builder should not write it")
sj("sj-ctl-crlf-b", "CR LF inside a B word", bw("前\r\n后"), "前\r\n后",
   note="RFC 2047 does not forbid it; a builder should not write it")
sj("sj-ctl-tab-b", "TAB inside a B word", bw("前\t后"), "前\t后")
q75 = qw("季度报告销售额")
assert len(q75) == 75, len(q75)
add("sj-ew-q75-own-line", G, "Q word of exactly 75 chars alone on a continuation line ('Subject:' CRLF SP word)",
    message("sj-ew-q75-own-line", subject="").replace(b"Subject:\r\n", ("Subject:" + FOLD + q75 + CRLF).encode()),
    {"subject": "季度报告销售额"}, shows="Subject:" + FOLD + q75)
sj("sj-ew-q75-same-line", "Q word of exactly 75 chars right after 'Subject: '", q75, "季度报告销售额",
   valid=False, why="that line is 84 characters > 76 (RFC 2047 §2); the word itself is valid")
q76 = "=?UTF-8?Q?" + q_text("季度报告销售额".encode()) + "=21?="
sj("sj-ew-q78", "Q word of 78 chars (3 over), own line", "x" + FOLD + q76, "x 季度报告销售额!",
   valid=False, why="encoded word longer than 75 (RFC 2047 §2)")
b72 = bw("季度报告销售额总计之外的第十五")
sj("sj-ew-b-%d" % len(b72), "B word of %d chars (largest B <= 75 for UTF-8) after 'x' CRLF SP" % len(b72), "x" + FOLD + b72,
   "x 季度报告销售额总计之外的第十五")
FAMILY = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466"   # man ZWJ woman ZWJ girl ZWJ boy
sj("sj-emoji-zwj-1word", "emoji ZWJ family sequence in one B word", bw("家庭" + FAMILY), "家庭" + FAMILY)
sj("sj-emoji-zwj-split", "ZWJ sequence split between two B words (before a ZWJ), CRLF SP", bw("家庭\U0001F468\u200D\U0001F469") + FOLD + bw("\u200D\U0001F467\u200D\U0001F466"), "家庭" + FAMILY,
   note="valid: each word holds whole characters (code points), though the grapheme is split")
FAMILY3 = "\U0001F468\u200D\U0001F469\u200D\U0001F467"
sj("sj-emoji-zwj-q", "emoji ZWJ sequence (man ZWJ woman ZWJ girl) in one Q word", qw(FAMILY3), FAMILY3)
NFD = unicodedata.normalize("NFD", "Café Ñandú")
sj("sj-combining-1word", "combining marks (NFD 'Café Ñandú') in one B word", bw(NFD), NFD,
   note="expect keeps NFD: no parser should normalize")
sj("sj-combining-split", "base letter and its combining mark in different B words", bw("Cafe") + FOLD + bw("\u0301 ok"), "Cafe\u0301 ok")
sj("sj-lang-tag", "RFC 2231 §5 language tag: =?UTF-8*zh-CN?B?...?=", bw("季度报告", cs="UTF-8*zh-CN", enc="utf-8"), "季度报告")
sj("sj-lowercase-b", "lowercase charset and encoding: =?utf-8?b?...?=", bw("季度报告", cs="utf-8").replace("?B?", "?b?"), "季度报告")
sj("sj-ascii-fold", "plain ASCII subject folded with CRLF SP", "Quarterly report for" + FOLD + "the first quarter",
   "Quarterly report for the first quarter")
sj("sj-ascii-fold-tab", "plain ASCII subject folded with CRLF TAB", "Quarterly report" + FOLD_TAB + "Q1", "Quarterly report\tQ1",
   note="RFC 5322 §2.2.3 unfolding keeps the TAB")
sj("sj-b-split-in-char", "B words split inside a character (reference, = sample e)", bw("中文主题测试".encode()[:4]) + " " + bw("中文主题测试".encode()[4:]),
   "中文主题测试", valid=False, why="an encoded word must hold whole characters (RFC 2047 §5)")

sj("sj-b-pad-first", "B words, the first padded ('Hello' = 5 octets -> 'SGVsbG8='), CRLF SP", bw("Hello") + FOLD + bw(" World"), "Hello World")
sj("sj-b-3n-first", "B words, the first holds 6 octets (no padding), CRLF SP", bw("Hello ") + FOLD + bw("World"), "Hello World")
sj("sj-b-pad-first-space", "B words, the first padded, SPACE between", bw("Hello") + " " + bw(" World"), "Hello World")
sj("sj-b-pad-first-charset-differs", "B words, the first padded, second in a different charset label (utf-8 vs UTF-8)",
   bw("Hello") + FOLD + bw(" World", cs="utf-8"), "Hello World")
sj("sj-b-pad-then-q", "padded B word then Q word, CRLF SP", bw("Hello") + FOLD + qw(" World"), "Hello World")
sj("sj-q-split-combining", "base letter and combining mark in different Q words", qw("Cafe") + FOLD + qw("\u0301 ok"), "Cafe\u0301 ok")
sj("sj-b-re-prefix-split", "'Re: ' + Chinese, all encoded, split after 'Re: ' (4 octets, padded)", bw("Re: ") + FOLD + bw("季度报告"), "Re: 季度报告")
sj("sj-b-4byte-split", "CJK Ext-B (4-octet) characters, words split between characters (padded)",
   bw("\U00020000\U00020001") + FOLD + bw("\U00020002"), "\U00020000\U00020001\U00020002")
sj("sj-u2028-b", "LINE SEPARATOR U+2028 inside a B word", bw("前\u2028后"), "前\u2028后",
   note="RFC 2047 does not forbid it; a builder should not write it. ERROR here is a crosscheck bug: it splits the "
        "adapters' JSON output with str.splitlines(), which also splits at U+2028/U+2029/U+0085")

sj("sj-q-then-b", "Q word ('é北京') then B word, CRLF SP (no 3n-octet split exists for 'é'+CJK)", qw("é北京") + FOLD + bw("分公司"), "é北京分公司")
sj("sj-q-leading-ws-edge", "Q word starting with 2 encoded spaces at the very start (crosscheck trims: only checks nothing else breaks)",
   "=?UTF-8?Q?__lead?=", "lead",
   note="adapter artifact: the Perl adapter trims the raw field before decoding, the others trim the decoded text")
sj("sj-literal-trailing-ws", "literal trailing spaces at the end of the field (crosscheck trims)", "tail   ", "tail")

# ================================================================== file names (RFC 2231 §3-4, RFC 2047 compat)
G = "filename"


def fn(cid, title, ct_params, cd, expect, shows=None, **kw):
    # fold after the first ';' when the first line would pass 76 (unless the case is about long lines)
    if cd and not cd.startswith("attachment;\r\n") and len("Content-Disposition: " + cd.split("\r\n")[0]) > 76 \
            and "long-1line" not in cid:
        cd = cd.replace("; ", ";" + FOLD, 1)
    if ct_params.startswith("; ") and len("Content-Type: application/pdf" + ct_params.split("\r\n")[0]) > 76:
        ct_params = ";" + FOLD + ct_params[2:]
    data = attach_msg(cid, ct_params=ct_params, cd=cd)
    sh = shows or ("Content-Type: application/pdf%s\nContent-Disposition: %s" % (ct_params, cd))
    add(cid, G, title, data, fn_expect(expect), shows=sh, **kw)


def cont(param, name, max_seg=54):
    """RFC 2231 §4.1 continuation parameters, each on its own folded line, split between characters."""
    segs = pct_segments(name, max_seg)
    out = []
    for i, s in enumerate(segs):
        out.append("%s*%d*=%s%s" % (param, i, "UTF-8''" if i == 0 else "", s))
    return out


def cd_join(dtype, params):
    return dtype + ";" + "".join(FOLD + p + (";" if i < len(params) - 1 else "") for i, p in enumerate(params))


LONG_CONT = cont("filename", FN_LONG)
fw_long = b_words(FN_LONG, 64)     # ' filename="' + 64 <= 76
fn("fn-2231-short", "filename*=UTF-8''%XX only (no name=)", "", "attachment; filename*=UTF-8''" + pct(FN_SHORT), FN_SHORT)
fn("fn-2231-long-1line", "%d-char name, one filename*= of %d chars" % (len(FN_LONG), len(pct(FN_LONG))), "",
   "attachment;" + FOLD + "filename*=UTF-8''" + pct(FN_LONG), FN_LONG,
   note="a %d-char line: over RFC 5322 §2.1.1's 78 SHOULD (within the 998 MUST)" % (len(pct(FN_LONG)) + 11))
fn("fn-2231-cont", "%d-char name, %d continuations filename*N*= split between characters" % (len(FN_LONG), len(LONG_CONT)), "",
   cd_join("attachment", LONG_CONT), FN_LONG)
fn("fn-2231-cont-quoted-tail", "continuations, last segment a quoted non-extended filename*N=\".pdf\" (RFC 2231 §4.1 mix)", "",
   cd_join("attachment", cont("filename", FN_LONG[:-4]) + ['filename*%d=".pdf"' % len(cont("filename", FN_LONG[:-4]))]), FN_LONG)
fn("fn-2231-cont-reversed", "continuations listed in reverse order", "",
   cd_join("attachment", list(reversed(LONG_CONT))), FN_LONG,
   note="RFC 2231 §3 numbers the sections so that order on the wire does not matter (parameters are unordered, RFC 2045 §5)")
fn("fn-2231-cont-ascii", "ASCII name as quoted continuations filename*0=\"..\"; filename*1=\"..\"", "",
   cd_join("attachment", ['filename*0="quarterly-report-east-china-region-"', 'filename*1="sales-and-marketing-2026-q1.pdf"']),
   "quarterly-report-east-china-region-sales-and-marketing-2026-q1.pdf")
fn("fn-2231-lang", "filename*=UTF-8'zh-CN'%XX (language tag)", "", "attachment; filename*=UTF-8'zh-CN'" + pct(FN_SHORT), FN_SHORT)
fn("fn-2231-lowercase-charset", "filename*=utf-8''%XX", "", "attachment; filename*=utf-8''" + pct(FN_SHORT), FN_SHORT)
fn("fn-2231-pct-specials", "percent-encoded space ( ) ; ' in filename*", "",
   "attachment; filename*=UTF-8''" + pct("报告 (final); v2's.pdf"), "报告 (final); v2's.pdf")
fn("fn-2231-name-ct-only", "name*=UTF-8''%XX in Content-Type only; Content-Disposition without filename",
   "; name*=UTF-8''" + pct(FN_SHORT), "attachment", FN_SHORT)
fn("fn-2231-name-ct-cont", "name*0*= continuations in Content-Type only",
   ";" + "".join(FOLD + p + (";" if i < len(cont("name", FN_LONG)) - 1 else "") for i, p in enumerate(cont("name", FN_LONG))),
   "attachment", FN_LONG)
# RFC 2047 words inside quoted parameter values (Outlook/Thunderbird compatibility form)
fn("fn-2047-1word", "filename=\"=?UTF-8?B?..?=\" one word (and the same in name=)",
   '; name="%s"' % bw(FN_SHORT), 'attachment; filename="%s"' % bw(FN_SHORT), FN_SHORT,
   valid=False, why="encoded words are not allowed in MIME parameters (RFC 2047 §5); widespread in practice")
fn("fn-2047-1word-cd-only", "filename=\"=?UTF-8?B?..?=\" one word, no name= in Content-Type",
   "", 'attachment; filename="%s"' % bw(FN_SHORT), FN_SHORT,
   valid=False, why="encoded word in a MIME parameter (RFC 2047 §5)")
fn("fn-2047-name-ct-only", "name=\"=?UTF-8?B?..?=\" in Content-Type only", '; name="%s"' % bw(FN_SHORT), "attachment", FN_SHORT,
   valid=False, why="encoded word in a MIME parameter (RFC 2047 §5)")
fn("fn-2047-q-1word", "filename=\"=?UTF-8?Q?..?=\" one Q word", "", 'attachment; filename="%s"' % qw(FN_SHORT), FN_SHORT,
   valid=False, why="encoded word in a MIME parameter (RFC 2047 §5)")
fn("fn-2047-multi-space", "%d B words in one quoted filename, SPACE between" % len(fw_long), "",
   'attachment; filename="%s"' % " ".join(fw_long), FN_LONG,
   valid=False, why="encoded words in a MIME parameter (RFC 2047 §5); long line")
fn("fn-2047-multi-fold", "%d B words in one quoted filename, CRLF SP between (folded inside the quotes)" % len(fw_long), "",
   'attachment;' + FOLD + 'filename="%s"' % FOLD.join(fw_long), FN_LONG,
   valid=False, why="encoded words in a MIME parameter (RFC 2047 §5)")
fn("fn-2047-multi-q-fold", "Q words in one quoted filename, folded", "",
   'attachment;' + FOLD + 'filename="%s"' % FOLD.join(q_words(FN_SHORT * 3, 70)), FN_SHORT * 3,
   valid=False, why="encoded words in a MIME parameter (RFC 2047 §5)")
fn("fn-2047-1word-long", "%d-char name in ONE B word inside the quotes" % len(FN_LONG), "",
   'attachment;' + FOLD + 'filename="%s"' % bw(FN_LONG), FN_LONG,
   valid=False, why="encoded word in a parameter, and longer than 75 (RFC 2047 §2, §5)")
fn("fn-2047-unquoted", "filename==?UTF-8?B?..?= without quotes", "", "attachment; filename=%s" % bw(FN_SHORT), FN_SHORT,
   valid=False, why="'=', '?' are tspecials: the value must be quoted (RFC 2045 §5.1)")
# RFC 2231 + RFC 2047 compatibility form side by side
both_short_2231 = "filename*=UTF-8''" + pct(FN_SHORT)
both_short_2047 = 'filename="%s"' % bw(FN_SHORT)
fn("fn-both-short-2231-first", "filename*= then filename=\"=?..?=\" (same name), name=\"=?..?=\" in Content-Type",
   '; name="%s"' % bw(FN_SHORT), cd_join("attachment", [both_short_2231, both_short_2047]), FN_SHORT,
   valid=False, why="the filename= compat value carries an encoded word (RFC 2047 §5)")
fn("fn-both-short-2047-first", "filename=\"=?..?=\" then filename*= (same name), name=\"=?..?=\"",
   '; name="%s"' % bw(FN_SHORT), cd_join("attachment", [both_short_2047, both_short_2231]), FN_SHORT,
   valid=False, why="the filename= compat value carries an encoded word (RFC 2047 §5)")
ct_multi = ';' + FOLD + 'name="%s"' % FOLD.join(fw_long)
fn("fn-both-long-cont-first", "long: filename*N*= continuations, then filename=\"=?B?..?= CRLF SP =?B?..?=\", name= likewise",
   ct_multi, cd_join("attachment", LONG_CONT + ['filename="%s"' % FOLD.join(fw_long)]), FN_LONG,
   valid=False, why="the filename=/name= compat values carry encoded words (RFC 2047 §5)")
fn("fn-both-long-2047-first", "long: filename=\"=?..?= CRLF SP =?..?=\" first, then filename*N*= continuations, name= likewise",
   ct_multi, cd_join("attachment", ['filename="%s"' % FOLD.join(fw_long)] + LONG_CONT), FN_LONG,
   valid=False, why="the filename=/name= compat values carry encoded words (RFC 2047 §5)")
fn("fn-both-long-cont-1word", "long: filename*N*= continuations + filename=\"<one long B word>\" + name=\"<one long B word>\"",
   ';' + FOLD + 'name="%s"' % bw(FN_LONG), cd_join("attachment", LONG_CONT + ['filename="%s"' % bw(FN_LONG)]), FN_LONG,
   valid=False, why="encoded words in parameters, longer than 75 (RFC 2047 §2, §5)")
fn("fn-both-long-cont-name2231", "long: filename*N*= continuations + name*N*= continuations (no RFC 2047 anywhere)",
   ";" + "".join(FOLD + p + (";" if i < len(cont("name", FN_LONG)) - 1 else "") for i, p in enumerate(cont("name", FN_LONG))),
   cd_join("attachment", LONG_CONT), FN_LONG)
# disagreeing values: what does each parser pick?
fn("fn-disagree-2231-first", "filename*=UTF-8''甲.pdf then filename=\"fallback.pdf\"", "",
   cd_join("attachment", ["filename*=UTF-8''" + pct("甲.pdf"), 'filename="fallback.pdf"']), "甲.pdf",
   note="no RFC says which wins in mail; `expect` follows RFC 6266 §4.3 (HTTP): the * form")
fn("fn-disagree-plain-first", "filename=\"fallback.pdf\" then filename*=UTF-8''甲.pdf", "",
   cd_join("attachment", ['filename="fallback.pdf"', "filename*=UTF-8''" + pct("甲.pdf")]), "甲.pdf",
   note="no RFC says which wins in mail; `expect` follows RFC 6266 §4.3 (HTTP): the * form")
fn("fn-disagree-2047-vs-2231", "filename=\"=?B?乙.pdf?=\" then filename*=UTF-8''甲.pdf", "",
   cd_join("attachment", ['filename="%s"' % bw("乙.pdf"), "filename*=UTF-8''" + pct("甲.pdf")]), "甲.pdf",
   valid=False, why="encoded word in a parameter (RFC 2047 §5)", note="`expect`: the RFC 2231 value")
fn("fn-disagree-cd-vs-ct", "Content-Disposition filename=\"a.pdf\", Content-Type name=\"b.pdf\"", '; name="b.pdf"',
   'attachment; filename="a.pdf"', "a.pdf", note="RFC 2183 §2.3: the disposition filename is the one meant")
fn("fn-quoted-escapes", r'ASCII quoted filename with \" : "my \"report\" v2.pdf"', "", r'attachment; filename="my \"report\" v2.pdf"',
   'my "report" v2.pdf')
fn("fn-2231-pct-quote-backslash", "filename*= with percent-encoded '\"' and '\\'", "",
   "attachment; filename*=UTF-8''" + pct('my "report" \\ v2.pdf'), 'my "report" \\ v2.pdf')
fn("fn-both-long-cont-first-name1", "long: filename*N*= continuations, then filename=\"=?..?= CRLF SP ..\", NO name= in Content-Type",
   "", cd_join("attachment", LONG_CONT + ['filename="%s"' % FOLD.join(fw_long)]), FN_LONG,
   valid=False, why="the filename= compat value carries encoded words (RFC 2047 §5)")
fn("fn-both-long-cont-first-space", "long: filename*N*= continuations, then filename=\"=?..?= =?..?=\" (SPACE, one line)",
   "", cd_join("attachment", LONG_CONT + ['filename="%s"' % " ".join(fw_long)]), FN_LONG,
   valid=False, why="the filename= compat value carries encoded words (RFC 2047 §5); long line")
fn("fn-both-short-pad-first", "filename*= + filename=\"=?B?..?= CRLF SP =?B?..?=\" whose first word is padded ('ab' | 'c季度.pdf')",
   "", cd_join("attachment", ["filename*=UTF-8''" + pct("abc季度.pdf"), 'filename="%s"' % (bw("ab") + FOLD + bw("c季度.pdf"))]),
   "abc季度.pdf", valid=False, why="the filename= compat value carries encoded words (RFC 2047 §5)")
fn("fn-2047-pad-first", "compat form alone, first B word padded: filename=\"=?B?ab?= CRLF SP =?B?c季度.pdf?=\"", "",
   'attachment;' + FOLD + 'filename="%s"' % (bw("ab") + FOLD + bw("c季度.pdf")), "abc季度.pdf",
   valid=False, why="encoded words in a MIME parameter (RFC 2047 §5)")
fn("fn-raw-utf8", "raw UTF-8 in filename=\"季度报告.pdf\"", "", 'attachment; filename="%s"' % FN_SHORT, FN_SHORT,
   valid=False, why="8-bit header: only valid with RFC 6532")

# ================================================================== addresses (RFC 5322 §3.4)
G = "address"


def ad(cid, title, header, value, expect, **kw):
    data = message(cid, to=value) if header == "To" else message(cid, frm=value)
    key = "to" if header == "To" else "from"
    exp = {key + ".length": len(expect)}
    for i, (n, a) in enumerate(expect):
        exp["%s[%d].name" % (key, i)] = n
        exp["%s[%d].address" % (key, i)] = a
    add(cid, G, title, data, exp, shows="%s: %s" % (header, value), **kw)


idn = "例子.中国".encode("idna").decode()
ad("ad-idn-punycode", "IDN domain as punycode (A-labels)", "To", "%s <li@%s>" % (bw("李四"), idn), [("李四", "li@" + idn)])
ad("ad-idn-punycode-bare", "bare address with punycode domain", "To", "li@" + idn, [("", "li@" + idn)])
ad("ad-quoted-local", 'quoted local part: "john doe"@example.com', "To", '"john doe"@example.com', [("", '"john doe"@example.com')],
   note="`expect` keeps the quotes: without them the address is not valid to reuse")
ad("ad-quoted-local-named", 'John Doe <"john doe"@example.com>', "To", 'John Doe <"john doe"@example.com>',
   [("John Doe", '"john doe"@example.com')])
ad("ad-quoted-local-angle", '<"john doe"@example.com> (angle brackets, no display name)', "To", '<"john doe"@example.com>',
   [("", '"john doe"@example.com')])
ad("ad-quoted-local-unneeded", 'needlessly quoted local part: "john"@example.com', "To", '"john"@example.com',
   [("", "john@example.com")], note="`expect`: the canonical form (RFC 5322 §3.4.1: quoting is not part of the address)")
ad("ad-group-empty", "undisclosed-recipients:;", "To", "undisclosed-recipients:;", [])
ad("ad-group-members", "group with two members", "To", "Team: a@example.cn, %s <b@example.cn>;" % bw("张三"),
   [("", "a@example.cn"), ("张三", "b@example.cn")])
ad("ad-group-encoded-name", "group whose name is an encoded word", "To", "%s: a@example.cn, b@example.cn;" % bw("销售部"),
   [("", "a@example.cn"), ("", "b@example.cn")])
ad("ad-group-then-mailbox", "group followed by a mailbox", "To", "Team: a@example.cn;, c@example.cn",
   [("", "a@example.cn"), ("", "c@example.cn")])
many = [(N1[:3 + i % 5] + str(i), "user%02d@example.cn" % i) for i in range(12)]
ad("ad-many-folded", "12 recipients with B-word names, one per folded line", "To",
   ("," + FOLD).join("%s <%s>" % (bw(n), a) for n, a in many), many)
many_bare = [("", "user%02d@example.cn" % i) for i in range(20)]
ad("ad-many-folded-bare", "20 bare addresses folded 3 per line", "To",
   ("," + FOLD).join(", ".join(a for _, a in many_bare[i:i + 3]) for i in range(0, 20, 3)), many_bare)
ad("ad-name-is-address", '"li@example.cn" <li@example.cn> (display name looks like an address)', "To",
   '"li@example.cn" <li@example.cn>', [("li@example.cn", "li@example.cn")])
ad("ad-angle-only", "<li@example.cn> (no display name)", "To", "<li@example.cn>", [("", "li@example.cn")])
ad("ad-comment-name", "li@example.cn (Li Si) (comment, no display name)", "To", "li@example.cn (Li Si)", [("", "li@example.cn")],
   note="RFC 5322: a comment is not a display name; some parsers promote it")
ad("ad-idn-utf8", "IDN domain as raw UTF-8 (RFC 6532)", "To", "%s <li@例子.中国>" % bw("李四"), [("李四", "li@例子.中国")],
   valid=False, why="8-bit header: only valid with RFC 6532 / SMTPUTF8")
ad("ad-ew-in-addr-spec", "encoded word in the local part (forbidden)", "To", "%s@example.cn" % bw("李四"),
   [("", "%s@example.cn" % bw("李四"))], valid=False, why="an encoded word must not appear in an addr-spec (RFC 2047 §5)")

# ================================================================== structure (RFC 2046 §5.1.1, RFC 2045)
G = "structure"


def st(cid, title, ctype, body, expect, cte=None, shows=None, **kw):
    data = message(cid, ctype=ctype, cte=cte, body=body)
    add(cid, G, title, data, expect, shows=shows or ("Content-Type: %s\n\n%s" % (ctype, body)), **kw)


def mp(boundary, parts, preamble="", epilogue=""):
    """parts: raw part strings (headers CRLF CRLF body, body without its final CRLF)."""
    s = preamble
    for p in parts:
        s += "--" + boundary + CRLF + p + CRLF
    return s + "--" + boundary + "--" + CRLF + epilogue


TXT = "Content-Type: text/plain; charset=utf-8" + CRLF + CRLF + "hello 你好"
HTML = "Content-Type: text/html; charset=utf-8" + CRLF + CRLF + "<p>hello 你好</p>"


def tree_expect(types, bodies=None):
    e = {}
    for path, t in types.items():
        e[path + ".type"] = t
    for path, b in (bodies or {}).items():
        for k, v in b.items():
            e["%s.body.%s" % (path, k)] = v
    return e


alt = 'Content-Type: multipart/alternative; boundary="alt"' + CRLF + CRLF + mp("alt", [TXT, HTML]).rstrip(CRLF)
img = ("Content-Type: image/png" + CRLF + "Content-Transfer-Encoding: base64" + CRLF + "Content-ID: <logo@example.cn>"
       + CRLF + "Content-Disposition: inline" + CRLF + CRLF + b64_lines(PNG))
st("st-related-alt", 'multipart/related; type="multipart/alternative" (root alternative + inline image)',
   'multipart/related; boundary="rel";' + FOLD + 'type="multipart/alternative"', mp("rel", [alt, img]),
   tree_expect({"tree": "multipart/related", "tree.parts[0]": "multipart/alternative", "tree.parts[0].parts[0]": "text/plain",
                "tree.parts[0].parts[1]": "text/html", "tree.parts[1]": "image/png"},
               {"tree.parts[0].parts[0]": text_digest("hello 你好"), "tree.parts[1]": bytes_digest(PNG)}))
for cid, title, bnd in [
        ("st-boundary-eq-underscore", 'boundary="----=_Part_0_1234567.1772504100000" (quoted, =_)', "----=_Part_0_1234567.1772504100000"),
        ("st-boundary-bchars", "boundary of all bcharsnospace '()+_,-./:=? (quoted)", "'()+_,-./:=?09AZaz"),
        ("st-boundary-space-inside", 'boundary="a b c" (SPACE inside, quoted)', "a b c"),
        ("st-boundary-70", "boundary of 70 characters (the maximum), on a folded line of 82 (> 78 SHOULD)", "=_" + "x" * 66 + "_="),
        ("st-boundary-eq-start", 'boundary="=_mimesmith_0123456789abcdef" (starts with =_)', "=_mimesmith_0123456789abcdef")]:
    assert len(bnd) <= 70
    st(cid, title, 'multipart/mixed;%sboundary="%s"' % (FOLD if len(bnd) > 40 else " ", bnd), mp(bnd, [TXT, HTML]),
       tree_expect({"tree": "multipart/mixed", "tree.parts[0]": "text/plain", "tree.parts[1]": "text/html"},
                   {"tree.parts[0]": text_digest("hello 你好")}) | {"tree.parts.length": 2})
st("st-boundary-unquoted-eq", "boundary==_abc unquoted (tspecial '=' in a token)", "multipart/mixed; boundary==_abc",
   mp("=_abc", [TXT, HTML]), {"tree.parts.length": 2, "tree.parts[0].type": "text/plain"},
   valid=False, why="'=' is a tspecial: the value must be quoted (RFC 2045 §5.1, RFC 2046 §5.1.1)")
st("st-boundary-prefix-in-body", "body line '--b1x' where the boundary is 'b1'", 'multipart/mixed; boundary="b1"',
   mp("b1", ["Content-Type: text/plain" + CRLF + CRLF + "before" + CRLF + "--b1x" + CRLF + "after", HTML]),
   {"tree.parts.length": 2, "tree.parts[0].body.len": len("before\n--b1x\nafter")},
   valid=False, why="RFC 2046 §5.1.1: the boundary must not appear in the encapsulated material (prefix counts for many parsers)",
   note="`expect` is the strict reading ('--b1x' is not a delimiter line)")
inner = 'Content-Type: multipart/alternative; boundary="xyz_inner"' + CRLF + CRLF + mp("xyz_inner", [TXT, HTML]).rstrip(CRLF)
st("st-boundary-nested-prefix", "outer boundary 'xyz' is a prefix of the inner 'xyz_inner'", 'multipart/mixed; boundary="xyz"',
   mp("xyz", [inner, HTML]), {"tree.parts.length": 2, "tree.parts[0].type": "multipart/alternative", "tree.parts[0].parts.length": 2},
   valid=False, why="RFC 2046 §5.1.1: an inner boundary that starts with an outer one is read as the outer one by prefix matchers",
   note="`expect` is the strict reading")
st("st-delim-trailing-ws", "delimiter lines followed by transport padding '--b1  '", 'multipart/mixed; boundary="b1"',
   "--b1  " + CRLF + TXT + CRLF + "--b1\t" + CRLF + HTML + CRLF + "--b1--  " + CRLF,
   {"tree.parts.length": 2, "tree.parts[0].body.sha256": text_digest("hello 你好")["sha256"]})
st("st-preamble-epilogue", "preamble and epilogue text", 'multipart/mixed; boundary="b1"',
   mp("b1", [TXT, HTML], preamble="This is a multi-part message in MIME format." + CRLF + CRLF, epilogue="epilogue" + CRLF),
   {"tree.parts.length": 2, "tree.parts[0].body.sha256": text_digest("hello 你好")["sha256"]})
st("st-missing-close", "no closing delimiter '--b1--'", 'multipart/mixed; boundary="b1"',
   "--b1" + CRLF + TXT + CRLF + "--b1" + CRLF + HTML + CRLF,
   {"tree.parts.length": 2}, valid=False, why="RFC 2046 §5.1.1 requires the close-delimiter")
RFC822_NOTE = ("mailparser does not parse message/rfc822 parts: it hands them out as attachments "
               "(the bytes are exactly the embedded message)")
inner_msg = ("From: inner@example.cn" + CRLF + "To: li@example.cn" + CRLF + "Subject: " + bw("内层邮件") + CRLF
             + "Date: " + DATE + CRLF + "Message-ID: <inner@quirks.example>" + CRLF + "MIME-Version: 1.0" + CRLF)
inner_7 = inner_msg + "Content-Type: text/plain; charset=us-ascii" + CRLF + CRLF + "inner body"
inner_8 = inner_msg + "Content-Type: text/plain; charset=utf-8" + CRLF + "Content-Transfer-Encoding: 8bit" + CRLF + CRLF + "内层正文 inner body"
st("st-rfc822-7bit", "message/rfc822 part, Content-Transfer-Encoding: 7bit", 'multipart/mixed; boundary="b1"',
   mp("b1", [TXT, "Content-Type: message/rfc822" + CRLF + "Content-Transfer-Encoding: 7bit" + CRLF + CRLF + inner_7]),
   {"tree.parts[1].type": "message/rfc822", "tree.parts[1].parts[0].type": "text/plain",
    "tree.parts[1].parts[0].body.sha256": text_digest("inner body")["sha256"]}, note=RFC822_NOTE)
st("st-rfc822-8bit", "message/rfc822 part, 8bit, inner body raw UTF-8 (8bit)", 'multipart/mixed; boundary="b1"',
   mp("b1", [TXT, "Content-Type: message/rfc822" + CRLF + "Content-Transfer-Encoding: 8bit" + CRLF + CRLF + inner_8]),
   {"tree.parts[1].type": "message/rfc822", "tree.parts[1].parts[0].type": "text/plain",
    "tree.parts[1].parts[0].body.sha256": text_digest("内层正文 inner body")["sha256"]}, cte=None, note=RFC822_NOTE)
st("st-rfc822-no-cte", "message/rfc822 part without Content-Transfer-Encoding", 'multipart/mixed; boundary="b1"',
   mp("b1", [TXT, "Content-Type: message/rfc822" + CRLF + CRLF + inner_7]),
   {"tree.parts[1].type": "message/rfc822", "tree.parts[1].parts[0].body.sha256": text_digest("inner body")["sha256"]},
   note=RFC822_NOTE)
inner_mp = (inner_msg + 'Content-Type: multipart/alternative; boundary="in1"' + CRLF + CRLF + mp("in1", [TXT, HTML]).rstrip(CRLF))
st("st-rfc822-multipart", "message/rfc822 part whose message is multipart/alternative", 'multipart/mixed; boundary="b1"',
   mp("b1", [TXT, "Content-Type: message/rfc822" + CRLF + 'Content-Disposition: attachment; filename="fwd.eml"' + CRLF + CRLF + inner_mp]),
   {"tree.parts[1].type": "message/rfc822", "tree.parts[1].parts[0].type": "multipart/alternative",
    "tree.parts[1].parts[0].parts.length": 2, "tree.parts[1].filename": "fwd.eml"},
   note=RFC822_NOTE + "; GMime's null filename is an adapter artifact (gmime_gi.py asks only GMime.Part for a "
        "filename; the MessagePart's Content-Disposition does carry fwd.eml)")
st("st-empty-text-single", "single-part text/plain with an empty body", "text/plain; charset=utf-8", "",
   {"tree.body.len": 0}, cte="7bit")
st("st-empty-text-multipart", "empty text part: header, blank line, CRLF of the delimiter", 'multipart/mixed; boundary="b1"',
   "--b1" + CRLF + "Content-Type: text/plain; charset=utf-8" + CRLF + CRLF + CRLF + "--b1" + CRLF + HTML + CRLF + "--b1--" + CRLF,
   {"tree.parts.length": 2, "tree.parts[0].body.len": 0})
st("st-empty-text-multipart-tight", "empty text part: header, then the delimiter right after the blank line", 'multipart/mixed; boundary="b1"',
   "--b1" + CRLF + "Content-Type: text/plain; charset=utf-8" + CRLF + CRLF + "--b1" + CRLF + HTML + CRLF + "--b1--" + CRLF,
   {"tree.parts.length": 2, "tree.parts[0].body.len": 0},
   note="the blank line's CRLF doubles as the delimiter's CRLF (RFC 2046 §5.1.1 reads it as an empty body)")
st("st-no-trailing-newline-single", "single-part text without a final CRLF", "text/plain; charset=utf-8", "hello 你好",
   {"tree.body.sha256": text_digest("hello 你好")["sha256"]}, cte="8bit")
st("st-no-trailing-newline-multipart", "text part whose last line is followed directly by the delimiter", 'multipart/mixed; boundary="b1"',
   mp("b1", [TXT, HTML]), {"tree.parts[0].body.sha256": text_digest("hello 你好")["sha256"]})
b64pdf = "Content-Type: application/pdf" + CRLF + "Content-Transfer-Encoding: base64" + CRLF + CRLF + b64_lines(PDF)
st("st-b64-delim-directly", "base64 part: last line, then CRLF--b1 (no blank line)", 'multipart/mixed; boundary="b1"',
   mp("b1", [TXT, b64pdf]), {"tree.parts[1].body.sha256": bytes_digest(PDF)["sha256"]})
st("st-b64-blank-before-delim", "base64 part: last line, CRLF, then blank line before the delimiter", 'multipart/mixed; boundary="b1"',
   mp("b1", [TXT, b64pdf + CRLF]), {"tree.parts[1].body.sha256": bytes_digest(PDF)["sha256"]})
st("st-b64-single-no-final-crlf", "single-part base64 body without a final CRLF", "application/pdf", b64_lines(PDF),
   {"tree.body.sha256": bytes_digest(PDF)["sha256"]}, cte="base64")
st("st-b64-single-final-crlf", "single-part base64 body with a final CRLF", "application/pdf", b64_lines(PDF) + CRLF,
   {"tree.body.sha256": bytes_digest(PDF)["sha256"]}, cte="base64")
st("st-b64-unpadded-lines", "base64 lines of 60 chars (not 76) and an odd last line", 'multipart/mixed; boundary="b1"',
   mp("b1", [TXT, "Content-Type: application/pdf" + CRLF + "Content-Transfer-Encoding: base64" + CRLF + CRLF + b64_lines(PDF, 60)]),
   {"tree.parts[1].body.sha256": bytes_digest(PDF)["sha256"]})


# ================================================================== the recommended forms, together
G = "recommended"


def rec_msg(cid, frm, to, subject, cd, ct_name, boundary="=_mimesmith_6f1c2a9e04b7d385"):
    alt_b = "=_mimesmith_a0d4e7c9b2f15836"   # independent random token: neither is a prefix of the other
    alt = ("Content-Type: multipart/alternative;" + FOLD + 'boundary="%s"' % alt_b + CRLF + CRLF
           + mp(alt_b, [TXT, HTML]).rstrip(CRLF))
    att = ("Content-Type: application/pdf;" + FOLD + ct_name + CRLF + "Content-Transfer-Encoding: base64" + CRLF
           + "Content-Disposition: " + cd + CRLF + CRLF + b64_lines(PDF))
    return message(cid, raw_headers=[("From", frm), ("To", to)], subject=subject,
                   ctype="multipart/mixed;" + FOLD + 'boundary="%s"' % boundary, cte=None, body=mp(boundary, [alt, att]))


def compat_value(param, name):
    """param="=?UTF-8?B?..?=" with every non-final B word holding 3n octets, folded between words."""
    return '%s="%s"' % (param, FOLD.join(b_words(name, 64)))


def rec_expect(frm, to, subject, fname):
    e = {"from[0].name": frm[0], "from[0].address": frm[1], "subject": subject,
         "tree.parts[0].type": "multipart/alternative", "tree.parts[1].filename": fname,
         "tree.parts[1].body.sha256": bytes_digest(PDF)["sha256"], "to.length": len(to)}
    for i, (n, a) in enumerate(to):
        e["to[%d].name" % i], e["to[%d].address" % i] = n, a
    return e


COMPAT_WHY = ("only the filename=/name= compatibility values, which carry encoded words in MIME parameters "
              "(RFC 2047 §5); all else is RFC-valid")
to_short = [("李四", "li@example.cn"), ("王五", "wang@example.cn"), ("", "zhao@example.cn")]
to_hdr = ("," + FOLD).join(("%s <%s>" % (bw(n), a)) if n else a for n, a in to_short)
subj = "Re: " + "季度报告" + " final"
add("rec-short", G, "recommended forms, short values: one B word names, mixed subject, filename*= + one-word compat",
    rec_msg("rec-short", bw(SHORT) + " <zhang@example.cn>", to_hdr, "Re: " + bw("季度报告") + " final",
            cd_join("attachment", ["filename*=UTF-8''" + pct(FN_SHORT), compat_value("filename", FN_SHORT)]),
            compat_value("name", FN_SHORT)),
    rec_expect((SHORT, "zhang@example.cn"), to_short, subj, FN_SHORT),
    valid=False, why=COMPAT_WHY, shows="(whole message: see the .eml)")
long_from = FOLD.join(b_words(N1)) + FOLD + "<zhang@example.cn>"
long_subj = FOLD.join(b_words(SUBJ_LONG, 66))
add("rec-long", G, "recommended forms, long values: name in folded 3n-octet B words, long subject, filename*N*= + folded compat",
    rec_msg("rec-long", long_from, to_hdr, long_subj, cd_join("attachment", LONG_CONT + [compat_value("filename", FN_LONG)]),
            compat_value("name", FN_LONG)),
    rec_expect((N1, "zhang@example.cn"), to_short, SUBJ_LONG, FN_LONG),
    valid=False, why=COMPAT_WHY, shows="From: " + long_from)
add("rec-long-1word-name", G, "as rec-long, but the display name as ONE over-long B word (RFC 2047 §2 violated)",
    rec_msg("rec-long-1word-name", bw(N1) + FOLD + "<zhang@example.cn>", to_hdr, long_subj,
            cd_join("attachment", LONG_CONT + [compat_value("filename", FN_LONG)]), compat_value("name", FN_LONG)),
    rec_expect((N1, "zhang@example.cn"), to_short, SUBJ_LONG, FN_LONG),
    valid=False, why="display-name encoded word of 96 characters (RFC 2047 §2: at most 75); " + COMPAT_WHY,
    shows="From: " + bw(N1) + FOLD + "<zhang@example.cn>")


# ------------------------------------------------------------------ write

def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".eml"):
            os.remove(os.path.join(OUT, f))
    meta = []
    for c in CASES:
        with open(os.path.join(OUT, c["id"] + ".eml"), "wb") as fh:
            fh.write(c["data"])
        m = {k: v for k, v in c.items() if k != "data"}
        meta.append(m)
    with open(os.path.join(OUT, "cases.json"), "w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False, indent=1)
    print("wrote %d cases to %s" % (len(CASES), OUT))


if __name__ == "__main__":
    main()
