from django.urls import path

from villages.listing import register_list_page

from . import views
from .filtersets import ItemFilterSet, LetterFilterSet

app_name = "rectification"

urlpatterns = [
    path("items/", views.item_list, name="item_list"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
    path("letters/", views.letter_list, name="letter_list"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/issue/", views.letter_issue, name="letter_issue"),
    path("trips/<int:trip_pk>/letter/", views.letter_draft, name="letter_draft"),
]

register_list_page("rectification:item_list", filterset=ItemFilterSet)
register_list_page("rectification:letter_list", filterset=LetterFilterSet)
