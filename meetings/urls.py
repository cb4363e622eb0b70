from django.urls import path

from . import feeds, views

app_name = "meetings"


def exports(name, view):
    """/<name>/export.csv, /<name>/export.json and the JSON Schema of the JSON."""
    return [
        path(f"{name}/export.csv", view, {"fmt": "csv"}, name=f"{name}-export-csv"),
        path(f"{name}/export.json", view, {"fmt": "json"}, name=f"{name}-export-json"),
        path(f"{name}/export.schema.json", views.export_schema, {"name": name}, name=f"{name}-export-schema"),
    ]


urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    *exports("meetings", views.meeting_export),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<slug:slug>/changes/", views.meeting_changes, name="meeting-changes"),
    path("companies/", views.company_list, name="company-list"),
    *exports("companies", views.company_export),
    path("companies/<slug:slug>/", views.company_detail, name="company-detail"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization-detail"),
    path("commitments/", views.commitment_list, name="commitment-list"),
    *exports("commitments", views.commitment_export),
    path(
        "commitments/<slug:meeting_slug>/<int:number>/",
        views.commitment_detail,
        name="commitment-detail",
    ),
    path("feeds/meetings/", feeds.MeetingsFeed(), name="feed-meetings"),
    path("feeds/evidence/", feeds.EvidenceFeed(), name="feed-evidence"),
    path("companies/<slug:slug>/feed/", feeds.CompanyFeed(), name="feed-company"),
    path("meetings/<slug:slug>/feed/", feeds.MeetingFeed(), name="feed-meeting"),
]
