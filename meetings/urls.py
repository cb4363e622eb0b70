from django.urls import path

from . import feeds, views

app_name = "meetings"

urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<slug:slug>/changes/", views.meeting_changes, name="meeting-changes"),
    path("companies/", views.company_list, name="company-list"),
    path("companies/<slug:slug>/", views.company_detail, name="company-detail"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization-detail"),
    path("commitments/", views.commitment_list, name="commitment-list"),
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
