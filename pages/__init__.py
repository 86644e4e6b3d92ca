"""Public pages: home, About, and the health and readiness checks."""
