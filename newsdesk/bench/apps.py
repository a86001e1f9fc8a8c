from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "newsdesk.bench"
    label = "bench"
