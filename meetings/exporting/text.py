"""Stable YAML text for exported files: the same records always give the same bytes.

UTF-8 with Chinese written as it is (never ``\\u`` escapes), keys in the order the
documents give them (the order of ``docs/import-format.md``), short lists in flow style
(``industries: [gallium]``), and long text in block style so that a diff of two exports
shows the changed paragraph: ``|`` for text with line breaks, ``>`` for long prose.
"""

import yaml

# libyaml's emitter when it is installed (ten times faster); both give the same text here.
_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

WIDTH = 88  # where long prose is folded
FOLD_FROM = 80  # longer single-line text is written in folded (>) style


class Flow(list):
    """A list written on one line: ``[1, 2, 5]``."""


class FlowMap(dict):
    """A mapping written on one line: ``{meeting: slug, number: 3}``."""


class _Dumper(_Base):
    pass


def _text(dumper, value):
    style = None
    if "\n" in value:
        style = "|"
    elif len(value) > FOLD_FROM and " " in value and "  " not in value and "\t" not in value:
        style = ">"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _flow(dumper, value):
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


def _flow_map(dumper, value):
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(Flow, _flow)
_Dumper.add_representer(FlowMap, _flow_map)


def dump(document, *, header):
    """The YAML text of one document (a dict), after a comment ``header``, as UTF-8 bytes."""
    body = yaml.dump(
        document,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=WIDTH,
        indent=2,
    )
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return (comment + "\n" + body).encode("utf-8")


def text_problems(value, where):
    """Text the importer would change or refuse: surrounding spaces, damaged characters.

    The importer strips spaces at the ends of every text, so such a value would not come
    back as it is; the export refuses it rather than lose it silently.
    """
    problems = []
    if isinstance(value, dict):
        for key, item in value.items():
            problems += text_problems(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems += text_problems(item, f"{where}[{index}]")
    elif isinstance(value, str):
        if value != value.strip():
            problems.append(f"{where}: {value[:40]!r} starts or ends with spaces or line breaks")
        if "\ufffd" in value or any("\ue000" <= char <= "\uf8ff" for char in value):
            problems.append(f"{where}: holds a private-use or replacement character, which imports refuse")
    return problems
