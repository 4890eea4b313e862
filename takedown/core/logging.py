"""Structured logging: key=value lines locally, JSON in production, every line with
the request id (also inside Celery tasks, see takedown/celery.py)."""

import contextvars
import logging

import structlog

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class ClientErrorFilter(logging.Filter):
    """A refused or bad request (4xx) is one warning line, without the exception's
    traceback: refusals are expected (and audited), and a traceback per 403 buries the
    errors that matter."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True


def _add_request_id(_logger, _name, event_dict):
    event_dict.setdefault("request_id", request_id_var.get())
    return event_dict


def build_logging(*, json: bool, level: str) -> dict:
    shared = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_request_id,
    ]
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    # The traceback as text: JSON has no other way to carry it (unformatted it becomes
    # "<traceback object at 0x…>"), and locally a plain traceback without every frame's
    # locals keeps one error a screenful, not eighty lines.
    renderer = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    )
    render = [structlog.processors.format_exc_info, renderer] if json else [renderer]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "takedown.core.logging.RequestIdFilter"},
            "client_errors": {"()": "takedown.core.logging.ClientErrorFilter"},
        },
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    *render,
                ],
                "foreign_pre_chain": shared,
            }
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "structured",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "django.request": {"filters": ["client_errors"]},
            "axes": {"level": "WARNING"},
            "celery": {"level": level},
        },
    }
