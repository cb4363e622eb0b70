from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Consensus tracker: editing"
admin.site.site_title = "Consensus tracker"
admin.site.index_title = "Records"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("meetings.urls")),
]
