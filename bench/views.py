"""The floor page every public page is compared with: TechEmpower's "fortunes"."""

from django.shortcuts import render

from .models import Fortune


def fortunes(request):
    """All fortunes from the database plus one added in memory, sorted by message, through a template."""
    rows = list(Fortune.objects.all())
    rows.append(Fortune(id=0, message="Additional fortune added at request time."))
    rows.sort(key=lambda fortune: fortune.message)
    return render(request, "bench/fortunes.html", {"fortunes": rows})
