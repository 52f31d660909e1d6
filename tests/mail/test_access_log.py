"""Links in mail carry tokens in their query (and export downloads in their path): the
access log must never write them."""

import logging

from app.requests import RedactTokens

LINE = '%s - "%s %s HTTP/%s" %d'


def _line(path: str) -> str:
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, LINE,
                               ("127.0.0.1:5000", "GET", path, "1.1", 200), None)  # fmt: skip
    RedactTokens().filter(record)
    return record.getMessage()


def test_tokens_are_redacted_from_access_log_lines():
    assert "s3cr3t" not in _line("/account/reset-password?token=s3cr3t&lang=nl")
    assert "s3cr3t" not in _line("/email/unsubscribe?lang=es&token=s3cr3t")
    assert "s3cr3t" not in _line("/exports/s3cr3t")
    assert _line("/account/verify-email?token=s3cr3t").endswith(
        '"GET /account/verify-email?token=[redacted] HTTP/1.1" 200'
    )
    assert "/graphql?query=%7Bme%7D" in _line("/graphql?query=%7Bme%7D")  # the rest stays


async def test_the_app_installs_the_filter_at_start_up(app):
    access = logging.getLogger("uvicorn.access")
    assert any(isinstance(f, RedactTokens) for f in access.filters)


def test_console_member_searches_stay_out_of_the_access_log():
    from app.requests import _SECRET_IN_PATH

    for line, kept in (
        ("GET /console/members?q=%40alice.example&after=x HTTP/1.1", "after=x"),
        ("GET /console/login?next=%2Fconsole%2Fmembers%3Fq%3Dalice%2540x.io%26after%3D1",
         "%26after%3D1"),
    ):  # fmt: skip
        redacted = _SECRET_IN_PATH.sub("[redacted]", line)
        assert "alice" not in redacted and "[redacted]" in redacted and kept in redacted
