"""``rongcuo serve``: the HTTP service on uvicorn (registered by :mod:`rongcuo.cli`).

The ruleset is loaded and checked before the server starts: a bad ruleset, or a missing
``service`` extra (``backend_unavailable``), is reported like any other invalid input, exit 1.
The server listens on 127.0.0.1 unless told otherwise. See docs/service.md.
"""

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    from ..errors import RongcuoError
    from ._common import Format, Lang, LangOpt, RulesOpt, _fail, _rules, err

    @app.command("serve")
    def serve(
        rules: RulesOpt = None,
        host: Annotated[
            str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")
        ] = "127.0.0.1",
        port: Annotated[
            int, typer.Option("--port", min=0, max=65535, help="Port (0: any free port).")
        ] = 8000,
        max_body: Annotated[
            int,
            typer.Option("--max-body", min=1024, help="Largest request body accepted, in bytes."),
        ] = 8 * 1024 * 1024,
        lang: LangOpt = Lang.zh,
    ) -> None:
        """Serve the HTTP API (POST /v1/verdicts, GET /v1/rules, /v1/schema, /healthz) and a
        page at / to screen a filing in the browser."""
        try:
            from ..service import create_app

            ruleset = _rules(rules)
            application = create_app(ruleset, max_body_bytes=max_body)
        except RongcuoError as exc:
            _fail(exc, Format.text, lang)
        import uvicorn

        err.print(
            f"rongcuo: serving {ruleset.label} (sha256:{ruleset.digest[:12]}) "
            f"on http://{host}:{port}/",
            markup=False,
        )
        uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)
