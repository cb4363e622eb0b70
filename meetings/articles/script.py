"""Traditional and Simplified script: patterns that accept both, and telling which one a text uses.

Articles come in either script (the seed is Traditional, its original outlet
Simplified), so every word a pattern looks for is written once, in Traditional,
and ``words`` lets each character match its Simplified form too. The table holds
only the characters that the patterns and the script check need; it is not a
converter, and the text itself is never converted.
"""

import re

# Traditional → Simplified, one pair per two characters.
_PAIRS = (
    "業业會会產产國国發发組组織织開开講讲話话參参議议辦办協协領领導导關关負负責责員员"
    "團团聯联達达識识點点條条項项轉转載载時时間间來来區区廳厅處处長长書书記记總总經经"
    "務务體体屬属與与壇坛論论舉举屆届級级際际這这為为個个們们說说對对進进實实現现黨党"
    "鎵镓鍺锗銻锑鋰锂鎢钨鈷钴銦铟鋁铝銅铜鎳镍鐵铁鋼钢礦矿設设計计專专題题談谈謝谢辭辞"
    "報报並并於于後后從从應应當当將将還还東东廣广寧宁陝陕貴贵遼辽龍龙蘇苏雲云藏藏灣湾"
    "門门鄉乡縣县鎮镇帥帅師师監监視视調调顧顾問问訊讯網网員员稱称歷历屬属據据聲声強强"
    "衛卫財财稅税審审計计統统糧粮儲储資资環环護护運运輸输術术濟济構构規规劃划節节約约"
    "務务傳传揮挥訪访稀稀兩两號号權权銷销質质標标準准劑剂檢检測测線线電电車车機机氣气"
    "處处動动勞劳險险營营貿贸錦锦華华興兴鄭郑劉刘張张陳陈楊杨黃黄趙赵吳吴孫孙許许範范"
    "順顺紅红軍军莊庄齊齐謀谋類类層层壓压廠厂"
)
TO_SIMPLIFIED = {_PAIRS[i]: _PAIRS[i + 1] for i in range(0, len(_PAIRS), 2) if _PAIRS[i] != _PAIRS[i + 1]}
TO_TRADITIONAL = {s: t for t, s in TO_SIMPLIFIED.items()}

# Characters that differ between the scripts and are frequent in news about meetings:
# counting them tells the script of an article.
_TRADITIONAL_MARKERS = frozenset(
    "業會產國發組織開講話參議辦協領導關負責員團聯達識點轉時間來區長書記總經務體屬與這為個們說對進實現黨"
)
_SIMPLIFIED_MARKERS = frozenset(TO_SIMPLIFIED[c] for c in _TRADITIONAL_MARKERS)


def both(text):
    """A pattern matching ``text`` (a plain word, no regex syntax) in either script."""
    parts = []
    for char in text:
        other = TO_SIMPLIFIED.get(char) or TO_TRADITIONAL.get(char)
        parts.append(f"[{char}{other}]" if other else re.escape(char))
    return "".join(parts)


def words(*texts):
    """A non-capturing group matching any of the words in ``texts`` in either script, longest first.

    Each text may hold several words separated by spaces: ``words("講話 發言", "致辭")``.
    """
    found = {word for text in texts for word in text.split()}
    return "(?:" + "|".join(both(w) for w in sorted(found, key=lambda w: (-len(w), w))) + ")"


def to_simplified(text):
    """``text`` with the characters of the table in Simplified form, for comparing names."""
    return "".join(TO_SIMPLIFIED.get(char, char) for char in text)


def language_of(text):
    """``zh-Hans`` or ``zh-Hant``: the script most of the marker characters are in.

    A text with no Chinese at all is ``zh-Hant``, the format's default.
    """
    traditional = sum(1 for char in text if char in _TRADITIONAL_MARKERS)
    simplified = sum(1 for char in text if char in _SIMPLIFIED_MARKERS)
    return "zh-Hans" if simplified > traditional else "zh-Hant"
