from django.db import models


class Fortune(models.Model):
    """One row of the fortunes floor page: a short message, some of it markup that must be escaped."""

    message = models.CharField(max_length=2048)

    def __str__(self):
        return self.message


class Dataset(models.Model):
    """Which synthetic scale and seed the bench database holds, so a repeat run reuses it."""

    scale = models.CharField(max_length=20)
    seed = models.IntegerField()
    generated_at = models.DateTimeField()
    seconds = models.FloatField(help_text="how long generate_synthetic took")

    def __str__(self):
        return f"{self.scale} (seed {self.seed})"
