from django.urls import path

from villages.listing import register_list_page

from . import trip_views, views
from .filtersets import ExperienceFilterSet, ProblemFilterSet, VisitFilterSet
from .trip_filtersets import FindingFilterSet, TripFilterSet

app_name = "inspections"

urlpatterns = [
    path("visits/", views.visit_list_view, name="visit_list"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/export/", views.visit_export, name="visit_export"),
    path("visits/quota/", views.quota_view, name="visit_quota"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/print/", views.visit_print, name="visit_print"),
    path("visits/<int:pk>/delete/", views.visit_delete, name="visit_delete"),
    path("visits/<int:pk>/promote/", views.experience_promote, name="experience_promote"),
    path("problems/", views.problem_list_view, name="problem_list"),
    path("experiences/", views.experience_list_view, name="experience_list"),
    path("villages/<int:village_pk>/repeat-exception/", views.repeat_exception_create, name="repeat_exception_create"),
    # Inspection trips (督查, HY 四).
    path("trips/", trip_views.trip_list_view, name="trip_list"),
    path("trips/new/", trip_views.trip_create, name="trip_create"),
    path("trips/export/", trip_views.trip_export, name="trip_export"),
    path("trips/coverage/", trip_views.trip_coverage_view, name="trip_coverage"),
    path("trips/findings/", trip_views.finding_list_view, name="finding_list"),
    path("trips/archive/", trip_views.archive_view, name="archive_list"),
    path("trips/<int:pk>/", trip_views.trip_detail, name="trip_detail"),
    path("trips/<int:pk>/edit/", trip_views.trip_edit, name="trip_edit"),
    path("trips/<int:pk>/advance/", trip_views.trip_advance, name="trip_advance"),
    path("trips/<int:pk>/propose/", trip_views.trip_propose, name="trip_propose"),
    path("trips/<int:pk>/sample/", trip_views.sample_edit, name="trip_sample"),
    path("trips/<int:pk>/sample/swap/", trip_views.sample_swap, name="trip_sample_swap"),
    path("trips/<int:pk>/sample/exception/", trip_views.sample_exception, name="trip_sample_exception"),
    path("trips/<int:pk>/findings/", trip_views.finding_add, name="trip_finding_add"),
    path("trips/<int:pk>/findings/<int:finding_pk>/delete/", trip_views.finding_delete, name="trip_finding_delete"),
    path("trips/<int:pk>/exchange/", trip_views.exchange_save, name="trip_exchange"),
]

urlpatterns += [
    path("problems/export/", views.problem_export, name="problem_export"),
    path("experiences/export/", views.experience_export, name="experience_export"),
    path("visits/quota/export/", views.quota_export, name="quota_export"),
]

register_list_page("inspections:visit_list", filterset=VisitFilterSet, export="inspections:visit_export")
register_list_page("inspections:problem_list", filterset=ProblemFilterSet, export="inspections:problem_export")
register_list_page("inspections:experience_list", filterset=ExperienceFilterSet, export="inspections:experience_export")
register_list_page("inspections:trip_list", filterset=TripFilterSet, export="inspections:trip_export")
register_list_page("inspections:finding_list", filterset=FindingFilterSet)
