"""gunicorn's settings for PLC, read from the working directory (`gunicorn wsgi:app` in the
README's deployment, `make bench`, `make loadtest`); the command line's options win.

The app is loaded once in the master and its templates compiled there (``when_ready``), so
every worker is forked ready: a freshly started server answers its first requests at once
instead of each worker importing the app (2.5 s) and compiling each template on its first
use, holding the requests queued behind it (issue 16's burst on a cold server). A new version
of the code then needs a restart of gunicorn (a HUP restarts the workers on the loaded code).

The loaded app (some 160,000 objects the garbage collector tracks) is then frozen out of the
collector's sight, and the youngest generation collected ten times less often. Measured under
the benchmark's load (5 workers, 16 connections, scale 5 on PostgreSQL, a minute a page): a
worker's full collection had walked the whole app, about 100 ms of CPU that stalled its
requests 250 to 600 ms; with both, full collections came as rarely and took 45 to 60 ms,
the page's worst latency halved (490 -> 193 ms on the plan page, 488 -> 232 on the
facilitator dashboard) and its p99 fell a quarter. (Python's gc.freeze() documents this use:
freeze before forking, and the workers' collections leave the master's objects alone, which
also keeps their memory pages shared.)
"""

import gc

preload_app = True
worker_class = "gthread"
threads = 2  # README: a long request holds a thread, not the whole worker
# Objects allocated, net, before the youngest generation is collected (Python's default: 700).
# At 700 a request's own objects, still in use, were promoted at every few collections and
# the full collections that promotion sets off came every 20 s or so.
YOUNG_COLLECTION_THRESHOLD = 10_000


def when_ready(server) -> None:
    from plc.templating import compile_all

    compile_all(server.app.wsgi())
    gc.collect()  # what is garbage now is not frozen for the workers' lifetime
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])


def post_fork(server, _worker) -> None:
    """No connection opened in the master may be used by two processes: the master opens none
    (the app connects on its first request), and this makes sure of it whatever it becomes."""
    from plc.extensions import db

    with server.app.wsgi().app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
