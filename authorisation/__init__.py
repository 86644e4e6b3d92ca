"""Who may open what: one policy per route, checked before every request, default deny."""
