"""Flask extension objects, created once and bound to the app in create_app()."""

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()
migrate = Migrate()
login_manager = LoginManager()
# In memory by default; RUPA_RATELIMIT_STORAGE_URI=redis://... shares the counts between processes.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# Pages travel compressed (rural connections are slow); PDFs and images are left as they are.
compress = Compress()


def limit_failed_token_lookups(blueprint) -> None:
    """Rate-limit the lookups of unknown or expired tokens on a blueprint whose URLs name one: only 404s
    count, so guessing is slowed while a room of respondents behind one address is not."""
    from flask import current_app

    limiter.limit(lambda: current_app.config["RESUME_LOOKUP_RATE_LIMIT"],
                  deduct_when=lambda response: response.status_code == 404)(blueprint)


def redis_client():
    """The app's Redis connection (``REDIS_URL``), made on first use and shared by its requests."""
    from flask import current_app
    from redis import Redis

    client = current_app.extensions.get("rupa.redis")
    if client is None:
        client = current_app.extensions["rupa.redis"] = Redis.from_url(current_app.config["REDIS_URL"])
    return client
