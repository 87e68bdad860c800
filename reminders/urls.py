from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("todo/", views.todo_view, name="todo"),
    path("notifications/", views.notification_list_view, name="notification_list"),
    path("notifications/read-all/", views.notification_mark_all_read, name="notification_mark_all_read"),
    path("notifications/<int:pk>/", views.notification_open_view, name="notification_open"),
    path("notifications/preference/", views.notification_preference, name="notification_preference"),
    path("operations/", views.operations_view, name="operations"),
]
