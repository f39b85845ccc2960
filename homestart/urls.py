from django.urls import include, path

from homestart import views

urlpatterns = [







]
