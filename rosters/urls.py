from django.urls import path

from . import views

app_name = "rosters"

urlpatterns = [
    path("", views.campaign_list_view, name="campaign_list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/export/", views.campaign_export, name="campaign_export"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("template/<slug:kind>.xlsx", views.roster_template, name="roster_template"),
]
