from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Consensus record"

    def ready(self):
        from . import cache, public

        cache.connect_signals()
        public.connect_signals()
