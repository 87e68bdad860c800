from django.urls import path

from villages.listing import register_list_page

from . import views
from .filtersets import ItemFilterSet, LetterFilterSet, NoticeFilterSet

app_name = "rectification"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("items/", views.item_list, name="item_list"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
    path("items/<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("items/<int:pk>/escalate/", views.item_escalate, name="item_escalate"),
    path("items/<int:pk>/acknowledge/", views.item_acknowledge, name="item_acknowledge"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/thumbnail/", views.evidence_thumbnail, name="evidence_thumbnail"),
    path("letters/", views.letter_list, name="letter_list"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/edit/", views.letter_edit, name="letter_edit"),
    path("letters/<int:pk>/issue/", views.letter_issue, name="letter_issue"),
    path("letters/<int:pk>/print/", views.letter_print, name="letter_print"),
    path("letters/<int:pk>/export/", views.letter_export, name="letter_export"),
    path("trips/<int:trip_pk>/letter/", views.letter_draft, name="letter_draft"),
    path("rates/", views.rates, name="rates"),
    path("notices/", views.notice_list, name="notice_list"),
    path("assessment/", views.assessment, name="assessment"),
]

register_list_page("rectification:item_list", filterset=ItemFilterSet)
register_list_page("rectification:letter_list", filterset=LetterFilterSet)
register_list_page("rectification:notice_list", filterset=NoticeFilterSet)
