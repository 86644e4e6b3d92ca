"""Exit 0 when the PostgreSQL server of the given URL accepts a connection (used by `make test`)."""

import sys

import sqlalchemy

try:
    sqlalchemy.create_engine(sys.argv[1]).connect().close()
except Exception:  # noqa: BLE001 - any failure means "not available"
    sys.exit(1)
