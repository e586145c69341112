"""The reviewer's and the city officer's pages (included by the workbench's URL list)."""

from django.urls import path

from . import views

urlpatterns = [
    path("review/", views.district, name="district"),
    path("review/c/<int:pk>/", views.review, name="review"),
    path("review/c/<int:pk>/import", views.review_import, name="review_import"),
    path("review/c/<int:pk>/sheet", views.review_sheet, name="review_sheet"),
    path("review/c/<int:pk>/hand-on", views.review_hand_on, name="review_hand_on"),
    path("compare/c/<int:pk>/", views.compare, name="compare"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/", views.rule_set, name="rule_set"),
    path("rules/<int:pk>/activate", views.rule_set_activate, name="rule_set_activate"),
]
