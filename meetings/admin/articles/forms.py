"""The forms of the screen: the article (step 1), and the review's state and fields (step 2)."""

import re
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator

from ...articles import MAX_ARTICLE_BYTES, ArticleError, ArticleTooLarge, clean_article
from ...models import Attendance
from ..base import name_cells

MEETING_FIELDS = (
    "title",
    "title_en",
    "slug",
    "organizer",
    "place",
    "held_on",
    "date_as_reported",
    "reported_on",
    "participant_list_partial",
)


class Text(forms.CharField):
    """Text whose line ends are \\n whatever the browser sent (textareas post \\r\\n)."""

    def to_python(self, value):
        return re.sub(r"\r\n?", "\n", super().to_python(value))


class Lines(Text):
    """One item a line; the value is the list of non-empty lines."""

    widget = forms.Textarea

    def to_python(self, value):
        return [line.strip() for line in super().to_python(value).split("\n") if line.strip()]

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value


HIDDEN_TEXT = forms.Textarea(attrs={"hidden": ""})


class ArticleForm(forms.Form):
    text = Text(
        label="Paste the article",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "class": "vLargeTextField", "lang": "zh"}),
        help_text="The text of the news page, or its HTML.",
    )
    upload = forms.FileField(
        label="or upload it",
        required=False,
        allow_empty_file=True,  # the article library says why an empty file is no article
        validators=[FileExtensionValidator(["txt", "html", "htm"])],
        help_text="A .txt or .html file in UTF-8, GB18030 or Big5, at most 2 MB.",
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        text, upload = data.get("text") or "", data.get("upload")
        if text.strip() and upload:
            raise ValidationError("Paste the text or upload a file, not both.")
        if not text.strip() and not upload:
            raise ValidationError("Paste the article's text or upload a .txt or .html file.")
        try:
            if upload:
                # Checked before reading: the upload may be far larger than any article.
                if upload.size > MAX_ARTICLE_BYTES:
                    raise ArticleTooLarge(upload.size)
                data["cleaned"], data["label"] = clean_article(upload.read()), label_of(upload.name)
            else:
                data["cleaned"], data["label"] = clean_article(text), "pasted text"
        except ArticleError as error:
            raise ValidationError(f"This cannot be read as an article: {error}.") from None
        return data


def label_of(name):
    """A file name fit for a message and a YAML comment: one line, a short one."""
    return re.sub(r"\s+", " ", Path(name or "").name).strip()[:100] or "the article"


class DraftState(forms.Form):
    """What the review page carries from one request to the next."""

    label = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
    article = Text(widget=HIDDEN_TEXT, required=False, strip=False, max_length=MAX_ARTICLE_BYTES)
    cleaning = Lines(widget=HIDDEN_TEXT, required=False)
    companies_before = Lines(widget=HIDDEN_TEXT, required=False)
    draft = Text(
        label="The whole draft (YAML)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 30, "class": "vLargeTextField", "spellcheck": "false"}),
    )


class ChangesOnly(forms.Form):
    """A form whose fields post the values they were shown with, so ``changed_data`` is exact."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            # The companies are compared with ``DraftState.companies_before`` instead.
            form_field.show_hidden_initial = name != "companies"


class MeetingFields(ChangesOnly):
    title = Text(label="Title (original)", max_length=300)
    title_en = Text(label="Title (English)", max_length=300, help_text="Our translation.")
    slug = forms.SlugField(max_length=120, help_text="The meeting's address: lowercase a-z, digits, hyphens.")
    organizer = Text(
        label="Organizer (original)",
        max_length=200,
        help_text="Renamed wherever the draft names it; matched by name or alias on import.",
    )
    place = Text(label="Place (original)", max_length=200, required=False)
    held_on = forms.RegexField(
        regex=r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$",
        required=False,
        error_messages={"invalid": "Write YYYY, YYYY-MM or YYYY-MM-DD."},
        help_text="Only as precisely as the article says: YYYY, YYYY-MM or YYYY-MM-DD; empty if it does not.",
    )
    date_as_reported = Text(
        label="Date as reported (original)", max_length=100, required=False, help_text="Such as 近日."
    )
    reported_on = forms.DateField(required=False, help_text="The article's date, YYYY-MM-DD.")
    participant_list_partial = forms.BooleanField(
        required=False, label="The list of participants may be partial (等)"
    )
    companies = Lines(
        label="Companies (original names)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "lang": "zh"}),
        help_text="One a line. Each takes part and, when there are points, pledges every point.",
    )


class PointForm(ChangesOnly):
    number = forms.IntegerField(min_value=1, max_value=999, widget=forms.NumberInput(attrs={"size": 3}))
    heading = Text(label="Heading (original)", widget=forms.Textarea(attrs={"rows": 2, "lang": "zh"}))
    body = Text(
        label="Body (original)", required=False, widget=forms.Textarea(attrs={"rows": 5, "lang": "zh"})
    )
    original = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PersonForm(ChangesOnly):
    name = Text(label="Name (original)", max_length=100)
    role = forms.ChoiceField(choices=Attendance.Role.choices, initial=Attendance.Role.ATTENDEE)
    title = Text(label="Title (original)", max_length=300, required=False)
    organization = Text(max_length=200, required=False, help_text="In the draft or already recorded.")
    original = forms.CharField(required=False, widget=forms.HiddenInput)


class NamedCellsRows(forms.BaseFormSet):
    """Rows of a table of forms, their boxes named after their columns (``name_cells``)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name_cells(form)


PointFormSet = forms.formset_factory(PointForm, formset=NamedCellsRows, extra=1, can_delete=True)
PersonFormSet = forms.formset_factory(PersonForm, formset=NamedCellsRows, extra=1, can_delete=True)
