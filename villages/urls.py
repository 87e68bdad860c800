from django.urls import path

from . import views
from .filtersets import HouseholdFilterSet, KeyVillageFilterSet, VillageFilterSet
from .listing import register_list_page

app_name = "villages"

urlpatterns = [
    path("", views.village_list_view, name="village_list"),
    path("export/", views.village_export, name="village_export"),
    path("key/", views.key_village_list_view, name="key_village_list"),
    path("key/export/", views.key_village_export, name="key_village_export"),
    path("key/thresholds/", views.rating_thresholds, name="rating_thresholds"),
    path("<int:pk>/", views.village_detail, name="village_detail"),
    path("<int:pk>/edit/", views.village_edit, name="village_edit"),
    path("<int:pk>/override/", views.village_override, name="village_override"),
    path("<int:village_pk>/households/new/", views.household_create, name="household_create"),
    path("import/", views.village_import, name="village_import"),
    path("households/import/", views.household_import, name="household_import"),
    path("import/template/<slug:kind>.xlsx", views.import_template, name="import_template"),
    path("households/", views.household_list_view, name="household_list"),
    path("households/export/", views.household_export, name="household_export"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    # Long exports and imports (villages/jobs.py): the user's own list, a job's page, its progress, its file.
    path("jobs/", views.job_list_view, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]

register_list_page("villages:village_list", filterset=VillageFilterSet, export="villages:village_export")
register_list_page("villages:household_list", filterset=HouseholdFilterSet, export="villages:household_export")
register_list_page("villages:key_village_list", filterset=KeyVillageFilterSet, export="villages:key_village_export")
