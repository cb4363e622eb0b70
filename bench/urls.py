"""The project's URLs plus the fortunes floor page, served only under ``bench.settings``."""

from django.urls import path

from consensus.urls import urlpatterns as project_urlpatterns

from . import views

urlpatterns = [
    path("bench/fortunes/", views.fortunes, name="bench-fortunes"),
    *project_urlpatterns,
]
