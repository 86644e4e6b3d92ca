"""The JSON API (/api/v1/) for facilitators' programs, authenticated by personal API tokens."""
