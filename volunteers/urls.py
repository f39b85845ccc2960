from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.volunteer_list, name="list"),
    path("my-families/", views.my_families, name="home"),
    path("<int:pk>/record/", views.profile_edit, name="profile_edit"),
]
