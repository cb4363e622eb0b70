"""Traditional ⇄ Simplified Chinese conversion with OpenCC, for display and search only.

Stored text is never converted: originals stay exactly as the source printed them.
"""

from functools import lru_cache


@lru_cache(maxsize=4)
def _converter(config):
    """One OpenCC converter per configuration and process: loading the dictionaries is slow."""
    import opencc

    return opencc.OpenCC(config)


@lru_cache(maxsize=4096)
def convert(text, config):
    """``text`` converted with the OpenCC ``config`` ("t2s", "s2t", "s2tw"), memoised."""
    return _converter(config).convert(text)


def script_variants(text):
    """``text`` as given, in Simplified and in Traditional script (OpenCC and Taiwan forms), once each."""
    return list(dict.fromkeys([text, convert(text, "t2s"), convert(text, "s2t"), convert(text, "s2tw")]))
