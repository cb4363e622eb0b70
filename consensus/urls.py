from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from . import health

admin.site.site_header = _("Consensus tracker: editing")
admin.site.site_title = _("Consensus tracker")
admin.site.index_title = _("Records")

urlpatterns = [
    # For load balancers: the process is alive; the database answers (consensus/health.py).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    # The header's language switcher posts here. It carries no CSRF token, so that public
    # pages set no cookie and can be cached for everyone: forging this request could only
    # change the interface language, which the reader can change back.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("", include("meetings.urls")),
]

# A database outage met outside a view is a 503 too (consensus/outage.py).
handler500 = "consensus.outage.server_error"
