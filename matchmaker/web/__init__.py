"""Server-rendered pages (Jinja + HTMX), Chinese first with an English switch.

Pages use the same services and queries as the JSON API (never the API modules themselves) and
load nothing from another host: htmx is served from ``static/``.
"""
