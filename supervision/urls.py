from django.urls import path

from villages.listing import register_list_page

from . import views
from .filtersets import LedgerFilterSet

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("listings/<int:pk>/", views.campaign_view, name="campaign"),
    path("listings/<int:pk>/export/", views.campaign_export, name="campaign_export"),
    path("counties/<int:pk>/", views.county_detail, name="county_detail"),
    path("villages/<int:pk>/", views.village_detail, name="village_detail"),
    path("villages/<int:pk>/indicators/<int:indicator_pk>/", views.indicator_update, name="indicator_update"),
    path("villages/<int:pk>/leaders/", views.leader_create, name="leader_create"),
    path("indicator-status/<int:pk>/evidence/", views.evidence_download, name="evidence_download"),
    path("ledger/", views.ledger_list_view, name="ledger_list"),
    path("ledger/export/", views.ledger_export, name="ledger_export"),
    path("listings/<int:pk>/sync-households/", views.ledger_sync, name="ledger_sync"),
    path("listings/<int:pk>/report-households/", views.ledger_report_households, name="ledger_report_households"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/submit/", views.report_submit_view, name="report_submit"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("proposal/", views.proposal, name="proposal"),
]

register_list_page("supervision:ledger_list", filterset=LedgerFilterSet, export="supervision:ledger_export")
