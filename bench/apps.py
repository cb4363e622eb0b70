from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Installed by ``bench.settings`` only: production never sees its tables or URLs."""

    name = "bench"
    default_auto_field = "django.db.models.BigAutoField"
