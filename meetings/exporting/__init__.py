"""Export the whole database as import files (``docs/import-format.md``): a portable backup.

``export_meetings(out)`` writes one file per meeting (drafts too) and, for records no
meeting names, files of shared records. Importing the directory into an empty database
and exporting again gives the same bytes. What the format does not hold (the edit
history, created and updated times) needs a database dump: see README.md.

- ``documents``: a meeting's file as a dict, loaded with a fixed number of queries;
- ``text``: stable YAML text;
- ``files``: checks, the order of the files, the shared records, the directory.
"""

from .documents import ExportProblem
from .files import ExportResult, export_meetings

__all__ = ["ExportProblem", "ExportResult", "export_meetings"]
