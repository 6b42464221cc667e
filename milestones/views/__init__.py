"""The web UI: every page starts from what the person asking may see; anything else is a 404.

One module per part: ``common``, ``pages``, ``editing``, ``programmes``, ``calendars``,
``accounts``.
"""
