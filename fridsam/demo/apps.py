from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "fridsam.demo"
    label = "demo"
    verbose_name = "Demo county"
