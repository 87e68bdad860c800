from django.urls import path

from villages.listing import register_list_page

from . import views
from .filtersets import ItemFilterSet

app_name = "rectification"

urlpatterns = [
    path("items/", views.item_list, name="item_list"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
]

register_list_page("rectification:item_list", filterset=ItemFilterSet)
