from django.urls import path

from villages.listing import register_list_page

from . import lists, pages
from .filtersets import KeyVillageVisitFilterSet, TripDetailFilterSet

app_name = "dashboard"

urlpatterns = [
    path("", pages.tab_view, {"tab": "overview"}, name="overview"),
    path("key-villages/", pages.tab_view, {"tab": "key_villages"}, name="key_villages"),
    path("guidance/", pages.tab_view, {"tab": "guidance"}, name="guidance"),
    path("inspection/", pages.tab_view, {"tab": "inspection"}, name="inspection"),
    path("rectification/", pages.tab_view, {"tab": "rectification"}, name="rectification"),
    path("problems/", pages.tab_view, {"tab": "problems"}, name="problems"),
    path("supervision/", pages.tab_view, {"tab": "supervision"}, name="supervision"),
    path("export/", pages.export_view, name="export"),
    path("briefing/", pages.briefing_view, name="briefing"),
    path("villages/", lists.village_list, name="village_list"),
    path("villages/export/", lists.village_export, name="village_export"),
    path("trips/", lists.trip_list, name="trip_list"),
    path("trips/export/", lists.trip_export, name="trip_export"),
]

register_list_page("dashboard:village_list", filterset=KeyVillageVisitFilterSet, export="dashboard:village_export")
register_list_page("dashboard:trip_list", filterset=TripDetailFilterSet, export="dashboard:trip_export")
