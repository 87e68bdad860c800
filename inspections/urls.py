from django.urls import path

from villages.listing import register_list_page

from . import views
from .filtersets import ExperienceFilterSet, ProblemFilterSet, VisitFilterSet

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
]

urlpatterns += [
    path("problems/export/", views.problem_export, name="problem_export"),
    path("experiences/export/", views.experience_export, name="experience_export"),
    path("visits/quota/export/", views.quota_export, name="quota_export"),
]

register_list_page("inspections:visit_list", filterset=VisitFilterSet, export="inspections:visit_export")
register_list_page("inspections:problem_list", filterset=ProblemFilterSet, export="inspections:problem_export")
register_list_page("inspections:experience_list", filterset=ExperienceFilterSet, export="inspections:experience_export")
