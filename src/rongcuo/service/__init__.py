"""The HTTP service (``rongcuo serve``): FastAPI on uvicorn, from the ``service`` extra.

:func:`create_app` makes the ASGI app; see :mod:`rongcuo.service.app` and docs/service.md.
Without the extra, importing this package raises the coded ``backend_unavailable`` error
with the install hint, not a bare ``ModuleNotFoundError``.
"""

from __future__ import annotations

from ..errors import BackendUnavailableError, Problem

try:
    import fastapi  # noqa: F401
    import uvicorn  # noqa: F401
except ImportError as _missing:
    raise BackendUnavailableError(
        [
            Problem(
                "backend_unavailable",
                f"the HTTP service needs fastapi and uvicorn; {_missing.name or 'one'} is not "
                "installed",
                hint="pip install 'rongcuo[service]'",
                message_zh="HTTP 服务需要 fastapi 和 uvicorn，当前未安装",
            )
        ]
    ) from None

from .app import MAX_BATCH, MAX_BODY_BYTES, create_app, language

__all__ = ["MAX_BATCH", "MAX_BODY_BYTES", "create_app", "language"]
