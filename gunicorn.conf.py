"""gunicorn's settings for PLC, read from the working directory (`gunicorn wsgi:app` in the
README's deployment, `make bench`, `make loadtest`); the command line's options win.

The app is loaded once in the master and its templates compiled there (``when_ready``), so
every worker is forked ready: a freshly started server answers its first requests at once
instead of each worker importing the app (2.5 s) and compiling each template on its first
use, holding the requests queued behind it (issue 16's burst on a cold server). A new version
of the code then needs a restart of gunicorn (a HUP restarts the workers on the loaded code).
"""

preload_app = True
worker_class = "gthread"
threads = 2  # README: a long request holds a thread, not the whole worker


def when_ready(server) -> None:
    from plc.templating import compile_all

    compile_all(server.app.wsgi())


def post_fork(server, _worker) -> None:
    """No connection opened in the master may be used by two processes: the master opens none
    (the app connects on its first request), and this makes sure of it whatever it becomes."""
    from plc.extensions import db

    with server.app.wsgi().app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
