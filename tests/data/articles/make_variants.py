"""Write the variants of the seed article in this folder (see README.md). Run once, by hand:

    pip install opencc   # into a scratch environment: OpenCC is not a dependency of the project
    python tests/data/articles/make_variants.py

gallium.html and germanium-no-points.txt are written by hand and not made here.
"""

import random
import re
from pathlib import Path

import opencc

here = Path(__file__).parent
seed = (here / "gallium-symposium-2023.txt").read_text(encoding="utf-8")
gloss = re.compile(r"(?<=[\u3400-\u9fff])\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")
ordinals = "一二三四五"

no_glosses = gloss.sub("", seed)
(here / "gallium-no-glosses.txt").write_text(no_glosses, encoding="utf-8")
(here / "gallium-simplified.txt").write_text(opencc.OpenCC("t2s").convert(seed), encoding="utf-8")

repaired = no_glosses.replace("領域?qū)\ue789优c合作", "領域對接與合作")
credit = "轉自:中國有色金屬報"
article = repaired[: repaired.index(credit) + len(credit)] + "\n"

enumerated = article
for ordinal in ordinals:
    enumerated = enumerated.replace(f"第{ordinal},", f"{ordinal}、")
(here / "gallium-enumerated.txt").write_text(enumerated, encoding="utf-8")

# (一) numbering, each heading on its own line above its body, full-width punctuation.
parenthesised = article
for ordinal in ordinals:
    parenthesised = re.sub(
        rf"第{ordinal},(.*?)。", lambda m, o=ordinal: f"（{o}）{m.group(1)}\n\n  ", parenthesised, count=1
    )
parenthesised = parenthesised.translate(str.maketrans(",:;()", "，：；（）"))
(here / "gallium-parenthesised.txt").write_text(parenthesised, encoding="utf-8")

complete = article.replace("近日,中國有色金屬工業協會", "10月11日,中國有色金屬工業協會").replace(
    "山西森澤能源科技集團有限公司等金屬鎵生產企業主要負責人", "山西森澤能源科技集團有限公司的主要負責人"
)
(here / "gallium-complete-list.txt").write_text(complete, encoding="utf-8")

(here / "gallium-symposium-2023.gb18030.txt").write_bytes(seed.encode("gb18030"))
(here / "gallium-repaired.big5.txt").write_bytes(repaired.replace("\xa0", " ").encode("big5"))
(here / "empty.txt").write_bytes(b"")
(here / "garbage.bin").write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(4).randbytes(1024))
