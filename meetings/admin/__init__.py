"""The editors' home: every record is entered and corrected here.

Original-language fields hold the text exactly as the source printed it and are the
authority; the English fields beside them are our translation. Fieldsets say which is
which so an editor never overwrites a source's wording with a translation.
"""

from . import commitments, evidence, meetings, organizations, tracking  # noqa: F401  (registers the admin classes)
