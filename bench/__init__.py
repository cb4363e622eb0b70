"""The load benchmark of the public pages (``make bench``): settings, the fortunes floor, the driver."""
