"""Import meetings from YAML files (the format: ``docs/import-format.md``).

A file is read and checked completely before anything is written; then it is
written in one transaction, every record through ``full_clean()`` and saved one
by one (so the edit history records every import), and a file with any problem
leaves the database as it was. ``import_files`` imports several files together or
not at all.

Importing is idempotent: records are matched (meetings by slug, commitments by
number, organizations by name or alias, people by name, action items by commitment
and position, evidence by everything it says) and only changed fields are saved.
It adds and updates, never deletes: what an editor added in the admin stays.
Organizations, people and meeting series are shared by many meetings, so a matched
one is never overwritten, only its blanks filled; for the meeting's own records, a
field the file leaves out keeps the value it has in the database. Evidence is only
ever added.

The modules, in the order a file goes through them:

- ``reading``: safe YAML, checked against ``schema`` (with ``fields`` and
  ``tracking_schema``); every problem named by its place in the file;
- ``files``: one file or several, each all or nothing, and the summary of changes;
- ``writer``: the meeting and its records, with ``organizations`` for matching
  organizations and ``recorder`` for saving each record;
- ``tracking``: action items, evidence, reviews, and refreshing pledge statuses.
"""

from .files import ImportFailed, ImportResult, import_files, import_meeting
from .reading import ImportProblem, parse_import_text, read_import_file
from .schema import ImportFile
from .writer import check_meeting

__all__ = [
    "ImportFailed",
    "ImportFile",
    "ImportProblem",
    "ImportResult",
    "check_meeting",
    "import_files",
    "import_meeting",
    "parse_import_text",
    "read_import_file",
]
