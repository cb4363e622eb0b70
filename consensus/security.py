"""Pieces of the site's protection that settings alone cannot express.

- ``CrossOriginResourcePolicyMiddleware``: the one security header Django does not set.
- ``client_ip``: the visitor's address, for sign-in lockouts and the request log, read from
  ``X-Forwarded-For`` only as far as the proxies we run vouch for it.
- ``lockout_response``: the page a locked-out sign-in gets, in the admin's own look.
"""

import ipaddress
import math

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render

LOCKED_OUT_STATUS = 429  # Too Many Requests


class CrossOriginResourcePolicyMiddleware:
    """Send ``Cross-Origin-Resource-Policy`` (settings.CROSS_ORIGIN_RESOURCE_POLICY) on every answer."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CROSS_ORIGIN_RESOURCE_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", self.policy)
        return response


def client_ip(request):
    """The address the request came from.

    With ``TRUSTED_PROXY_COUNT`` = N proxies in front, each appending the address it was
    connected from to ``X-Forwarded-For``, the N-th address from the right is the one the
    outermost proxy saw: everything left of it was written by the client and is ignored. A
    header shorter than that, or not an address, means the request did not come through the
    proxies as configured, and the connection's own address is used.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= hops:
            try:
                return str(ipaddress.ip_address(forwarded[-hops]))
            except ValueError:
                pass
    return remote


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a sign-in refused for repeated failures (AXES_LOCKOUT_CALLABLE)."""
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    context = {
        **admin.site.each_context(request),
        "title": "",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": minutes,
    }
    return render(request, "admin/locked_out.html", context, status=LOCKED_OUT_STATUS)
