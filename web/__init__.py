"""What every blueprint stands on, and that imports none of them: forms sent once, the language of a request,
security headers and sessions, error pages."""
