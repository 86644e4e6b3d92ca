"""Static files over the wire: the style sheet and the script every page asks for, compressed."""

from __future__ import annotations

from flask import Flask, Response, request

COMPRESSIBLE = ("text/css", "text/javascript", "application/javascript", "image/svg+xml")


def readable_whole(response: Response) -> Response:
    """A static CSS, JavaScript or SVG file read into memory (they are a few kilobytes), so that
    Flask-Compress compresses it: it leaves streamed files alone, which would otherwise stay open while
    they are compressed. Fonts and images are compressed already."""
    if (request.endpoint == "static" and response.status_code == 200 and response.direct_passthrough
            and response.mimetype in COMPRESSIBLE):
        body = response.response
        response.direct_passthrough = False
        response.get_data()  # read into memory
        close = getattr(body, "close", None)
        if close is not None:  # the file, closed now that it is read
            close()
    return response


def init_app(app: Flask) -> None:
    """After compress.init_app: after-request functions run last-registered first, so this runs before
    Flask-Compress looks at the response."""
    app.after_request(readable_whole)
