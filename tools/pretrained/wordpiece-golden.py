"""Writes the golden token ids that src/model/pretrained/wordpiece.test.ts compares against, using the reference `tokenizers` package (dev only).

usage: pip install tokenizers==0.23.3
       python3 tools/pretrained/wordpiece-golden.py ~/.cache/bellwether/pretrained/all-minilm-l6-v2/tokenizer.json \
         src/model/pretrained/wordpiece-golden.jsonl

The strings are written here to be hard for a WordPiece reimplementation: finance notation, accents and
other marks, scripts without spaces, emoji, control and odd whitespace characters, words around the
100-character limit, special-token spellings, and the empty string. Padding and truncation are off, so
every id of every string is compared.
"""

import json
import sys

from tokenizers import Tokenizer

HANDWRITTEN = [
    "",
    " ",
    "\t\n\r",
    "$AAPL jumps 3.4% after earnings beat",
    "$TSLA -3.4% pre-market; $NVDA +12.75%",
    "Revenue of $1.2bn vs. $1.15bn expected",
    "EPS $0.87 (est. $0.91), guidance cut to €2.3–2.5bn",
    "£450m buyback, ¥1.2tn stimulus, ₹3,400 crore deal",
    "Q3'24 net loss widened to -$45.6M; shares -17%",
    "BRK.B, BF-B and RDS/A trade ex-dividend",
    "S&P 500 hits record; Dow +0.5%, Nasdaq flat",
    "AT&T, P&G and J&J report before the bell",
    "10-K filing shows 8-K events (Item 2.02)",
    "Yield on 10y UST at 4.25%, 2s10s inverted by -35bp",
    "EUR/USD 1.0850, USD/JPY 151.20",
    "Bitcoin > $100,000?! Ether ≈ $4k…",
    "Café Société résumé naïve coöperate façade",
    "Nestlé, L'Oréal, Hermès and Moët Hennessy fall",
    "Ångström Über straße ĞÜŞİÖÇ",
    "İstanbul İSTANBUL ı I",
    "ΣΊΣΥΦΟΣ Οδυσσέας ΑΘΗΝΑ",
    "Москва: акции Газпрома упали на 5%",
    "東京株式市場で日経平均が反落",
    "腾讯控股(0700.HK)股价上涨3%",
    "삼성전자 주가 상승",
    "ソフトバンクグループ、赤字拡大",
    "Alibaba阿里巴巴surges",
    "𠀀𠀁 rare CJK extension B",
    "Stocks 📈📉 rally 🚀🚀 to the moon 🌕",
    "👨‍👩‍👧‍👦 family emoji and 🏳️‍🌈 flag",
    "Markets 🇺🇸🇬🇧 open higher",
    "check https://example.com/news?id=123&ref=rss#top now",
    "email ir@company.com or visit www.company.co.uk/investors",
    "http://t.co/AbC123XyZ",
    "hashtag #earnings and @elonmusk replies",
    "[CLS] [SEP] [MASK] [PAD] [UNK]",
    "before[SEP]after",
    "[cls] lower-case special tokens are plain text",
    "[ SEP ] spaced brackets",
    "A[MASK]B[MASK]C",
    "don't won't it's Apple's",
    "“Smart quotes” and ‘single’ ones — em dash – en dash",
    "«guillemets» „Anführungszeichen“",
    "ellipsis… bullet • middle·dot",
    "a\u00a0non-breaking\u2009thin\u3000ideographic space",
    "zero\u200bwidth\u200cjoiner\u200dtext",
    "soft\u00adhyphen and bom\ufeffinside",
    "control\u0000null\u0001chars\u007fdel",
    "replacement \ufffd char",
    "tab\tseparated\tvalues",
    "line1\nline2\r\nline3",
    "combining e\u0301 vs precomposed é",
    "fullwidth ＡＢＣ１２３ letters",
    "ligature ﬁnance ﬂow",
    "superscript x² and ½ fraction",
    "math ∑∫√∞ ≠ ≤ ≥",
    "arrows → ← ↑ ↓",
    "Hebrew שלום and Arabic مرحبا",
    "Hindi नमस्ते and Thai สวัสดี",
    "mixedCASEWordsAndCamelCase",
    "UPPERCASE HEADLINE: MARKETS CRASH",
    "numbers 1234567890 0.000001 1e-9 -0",
    "1,000,000 1.000.000 1 000 000",
    "phone +1-800-555-0199",
    "date 2024-03-15T09:30:00Z",
    "version v1.2.3-beta+build.456",
    "unaffordable antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
    "supercalifragilisticexpialidocious",
    "xyzzyqwxv unknownish tokenz",
    "ab" * 50,
    "ab" * 50 + "c",
    "x" * 100,
    "x" * 101,
    "é" * 100,
    "é" * 101,
    "a" * 150,
    "word " + "z" * 150 + " word",
    "-" * 120,
    "$" * 30,
    "!!!???...,,,",
    "a.b.c.d",
    "...leading and trailing...",
    "(parenthetical) [bracketed] {braced} <angled>",
    "back\\slash and forward/slash",
    "under_score and hy-phen and dot.ted",
    "~tilde ^caret `backtick |pipe",
    "50/50 24/7 3:1 ratio",
    "     many     spaces     ",
    "ＣＥＯ　resigns",
    "\u2028line separator\u2029paragraph separator",
    "\u0085next line char",
    "\u000bvertical tab\u000cform feed",
]

TEMPLATES = [
    "${t} {v}% after {e}",
    "{e}: ${t} at ${p}",
    "{t} shares {v}% in {c}",
    "${t}.{x} hits {p} high",
]
TICKERS = ["AAPL", "msft", "BRK.A", "GOOGL", "Rio", "SAP", "BABA", "TSM", "NVDA", "X"]
VALUES = ["+1.2", "-3.4", "0", "+120", "-0.05", "12.75"]
EVENTS = ["earnings", "FDA approval", "CEO exit", "guidance cut", "merger", "downgrade"]
PRICES = ["1.2bn", "0.99", "1,234.56", "52-week", "3.4tn"]
CITIES = ["Zürich", "São Paulo", "Kraków", "東京", "Málaga", "Reykjavík"]
SUFFIXES = ["L", "PA", "DE", "HK", "T", "TO"]


def generated():
    out = []
    for i, template in enumerate(TEMPLATES):
        for j in range(60):
            out.append(
                template.format(
                    t=TICKERS[(i + j) % len(TICKERS)],
                    v=VALUES[j % len(VALUES)],
                    e=EVENTS[(j // 2) % len(EVENTS)],
                    p=PRICES[(i * 7 + j) % len(PRICES)],
                    c=CITIES[(j // 3) % len(CITIES)],
                    x=SUFFIXES[j % len(SUFFIXES)],
                )
            )
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: wordpiece-golden.py <tokenizer.json> <out.jsonl>")
    tokenizer = Tokenizer.from_file(sys.argv[1])
    tokenizer.no_padding()
    tokenizer.no_truncation()
    seen = set()
    cases = []
    for text in HANDWRITTEN + generated():
        if text in seen:
            continue
        seen.add(text)
        cases.append({"text": text, "ids": tokenizer.encode(text).ids})
    # JSON Lines, one case per line: short, diff-friendly, and outside the JSON formatter's reach.
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        for case in cases:
            f.write(json.dumps(case, ensure_ascii=False) + "\n")
    print(f"wrote {len(cases)} cases to {sys.argv[2]}")


if __name__ == "__main__":
    main()
