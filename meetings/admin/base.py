"""Pieces shared by the admin screens."""

from django.contrib.admin.widgets import AdminTextareaWidget
from django.db import models

ORIGINAL_VS_ENGLISH = (
    "Fields marked <em>(original)</em> hold the text exactly as the source printed it; "
    "fields marked <em>(English)</em> are our translation."
)

# Quotes and notes in table rows: a few lines, not the default ten.
SHORT_TEXTAREAS = {models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 2})}}


class PublicOnlyViewOnSite:
    """Offer "View on site" only for records the public site shows (drafts are admin-only)."""

    def is_public(self, obj):
        return True

    def get_view_on_site_url(self, obj=None):
        if obj is not None and not self.is_public(obj):
            return None
        return super().get_view_on_site_url(obj)
