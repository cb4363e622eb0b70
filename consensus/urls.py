from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Consensus tracker: editing")
admin.site.site_title = _("Consensus tracker")
admin.site.index_title = _("Records")

urlpatterns = [
    path("admin/", admin.site.urls),
    # set_language: the header's language switcher posts here.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("meetings.urls")),
]
