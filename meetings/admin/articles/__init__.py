"""The admin screen "New meeting from article": paste or upload, review and correct, create a draft.

1. ``ArticleForm``: the article, pasted or uploaded, is cleaned and drafted by ``meetings.articles``.
2. Review: the cleaned text with its damaged spans marked, beside the draft's main fields
   (``MeetingFields``, the points and the people). Nothing is saved and nothing is kept on
   the server: the whole draft travels in the page as YAML (``DraftState.draft``), which the
   editor may also edit directly.
3. Confirm: the fields the editor changed are applied to the YAML draft, and the result is
   checked and imported by ``meetings.importing`` as a draft meeting, in one transaction.

Only *changed* fields are applied: each field posts the value it was shown with beside it
(``show_hidden_initial``), so an edit made in the YAML survives unless the editor also
changed the same value in a field.
"""

from .views import from_article

__all__ = ["from_article"]
