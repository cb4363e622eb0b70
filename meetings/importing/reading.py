"""Reading an import file: safe YAML, checked against ``schema.ImportFile``, every problem named.

Every problem is reported as "file: where: what", where *where* is a path into the
file such as ``commitments[2].number``, or a line and column for bad YAML.
"""

import codecs
import datetime
import difflib
import re
import types
import typing
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel
from pydantic import ValidationError as SchemaError

from ..articles.reading import utf16_without_bom
from .schema import ImportFile

MAX_FILE_BYTES = 2 * 1024 * 1024
# Limits that keep a hostile file cheap to refuse (documented in docs/import-format.md). A real
# file is a few levels deep, and 2 MB of real records is about 60,000 YAML values (the founding
# record: 716 in 23 kB); 2 MB of "[1,1,1,…" would be a million, minutes and gigabytes to load.
MAX_DEPTH = 20
MAX_VALUES = 200_000

# libyaml's parser where PyYAML was built with it (the wheels are): several times faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ImportProblem(Exception):
    """A file that cannot be imported; ``problems`` lists every reason as 'where: what'."""

    def __init__(self, label, problems):
        self.label = label
        self.problems = list(problems)
        super().__init__("\n".join(f"{label}: {problem}" for problem in self.problems))


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that import files may not use."""


def _check_structure(text):
    """Refuse, before anything is built, what import files may not use or could not need.

    Anchors and aliases: no import file needs them, and they let a few lines expand into
    gigabytes ("billion laughs"). Nesting deeper than ``MAX_DEPTH`` and more than
    ``MAX_VALUES`` values: reading the events costs little memory, building them could
    cost much more. Raises ``_Refused`` at the first offending place.
    """
    depth = values = 0
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(
                problem="anchors (&name) and aliases (*name) are not allowed in import files",
                problem_mark=event.start_mark,
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(
                    problem=f"the YAML is nested more than {MAX_DEPTH} levels deep; "
                    "import files need only a few",
                    problem_mark=event.start_mark,
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.NodeEvent):
            values += 1
            if values > MAX_VALUES:
                raise _Refused(
                    problem=f"the file has more than {MAX_VALUES:,} values; split it into smaller files",
                    problem_mark=event.start_mark,
                )


class _StrictLoader(_SafeLoader):
    """Safe YAML without repeated keys, whose bad numbers and dates are reported, not raised.

    A repeated key would silently drop a value. Anchors, aliases and deep nesting are
    refused before loading, by ``_check_structure``.
    """

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise _Refused(
                        problem=f"the key {key_node.value!r} appears twice in the same section",
                        problem_mark=key_node.start_mark,
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):
        # PyYAML raises a bare ValueError for 2023-13-01; keep the text so that the
        # field's own check reports it with its path.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)

    def construct_yaml_int(self, node):
        # Python refuses to convert a decimal number of more than 4,300 digits, with a bare
        # ValueError; no field takes a number anywhere near that long.
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            digits = sum(char.isdigit() for char in node.value)
            raise _Refused(
                problem=f"a number of {digits:,} digits is too long for any field",
                problem_mark=node.start_mark,
            ) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)

# C0 and C1 control characters other than tab, line feed and carriage return (and U+0085, a
# YAML line break): YAML refuses them, and a file holding one is damaged or not text at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def read_import_file(path):
    """Read and check one file; return the parsed ``ImportFile`` or raise ``ImportProblem``."""
    path = Path(path)
    label = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportProblem(label, [f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"])
        raw = path.read_bytes()
    except OSError as error:
        raise ImportProblem(label, [f"cannot read the file: {error.strerror or error}"]) from None
    return parse_import_text(raw, label=label)


def parse_import_text(raw, *, label):
    """Parse the bytes of an import file; raise ``ImportProblem`` naming every problem."""
    if len(raw) > MAX_FILE_BYTES:
        raise ImportProblem(label, [f"the file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}"])
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        b"\x00" in raw and utf16_without_bom(raw)
    ):
        raise ImportProblem(label, ["the file is UTF-16 text; save it as UTF-8"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportProblem(
            label, [f"line {line}: the file is not UTF-8 text (byte {error.start + 1:,}); save it as UTF-8"]
        ) from None
    if control := _CONTROL.search(text):
        line = text.count("\n", 0, control.start()) + 1
        column = control.start() - (text.rfind("\n", 0, control.start()) + 1) + 1
        raise ImportProblem(
            label,
            [
                f"line {line}, column {column}: the control character U+{ord(control[0]):04X} is not "
                "allowed: the file is damaged, or not a text file"
            ],
        )
    try:
        _check_structure(text)
        data = yaml.load(text, Loader=_StrictLoader)
    except _Refused as error:
        raise ImportProblem(label, [f"{_where(error)}: {error.problem}"]) from None
    except yaml.YAMLError as error:
        reason = getattr(error, "problem", None) or str(error)
        raise ImportProblem(label, [f"{_where(error)}: not valid YAML: {reason}"]) from None
    if data is None:
        raise ImportProblem(label, ["the file is empty; it needs at least a 'meeting:' section"])
    if not isinstance(data, dict):
        raise ImportProblem(
            label, [f"the file must be a YAML mapping with a 'meeting:' section, not a {_kind(data)}"]
        )
    try:
        parsed = ImportFile.model_validate(data)
    except SchemaError as error:
        # One series written as a mapping is checked as a list of one: name it as written.
        single = isinstance(data.get("series"), dict)
        raise ImportProblem(label, [_describe(e, single_series=single) for e in error.errors()]) from None
    problems = parsed.problems()
    if problems:
        raise ImportProblem(label, problems)
    return parsed


def _where(error):
    mark = getattr(error, "problem_mark", None)
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"


def _kind(value):
    return "list" if isinstance(value, list) else "single value"


_MESSAGES = {
    "missing": "required field is missing",
    "model_type": "should be a section of 'field: value' lines",
    "model_attributes_type": "should be a section of 'field: value' lines",
    "list_type": "should be a list ('- ' items, or [a, b])",
}


def _describe(error, *, single_series=False):
    loc = error["loc"]
    if single_series and loc[:2] == ("series", 0):
        loc = ("series", *loc[2:])
    where = ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in loc)
    where = where.replace(".[", "[")
    kind = error["type"]
    message = _MESSAGES.get(kind) or error["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        message = "unknown field" + _suggestion(loc)
    elif kind != "value_error" and isinstance(error["input"], str | int | float | bool | datetime.date):
        shown = repr(error["input"])
        message += f"; got {shown if len(shown) <= 60 else shown[:57] + '...'}"
    return f"{where}: {message}" if where else message


def _suggestion(loc):
    """'; did you mean ...?' for a misspelt field, from the fields allowed where it stands."""
    model = ImportFile
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if part not in model.model_fields:
            return ""
        annotation = model.model_fields[part].annotation
        while typing.get_origin(annotation) in (list, types.UnionType, typing.Union, Annotated):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return ""
        model = annotation
    close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1)
    if close:
        return f"; did you mean {close[0]!r}? (the fields are listed in docs/import-format.md)"
    return " (the fields are listed in docs/import-format.md)"
