"""PLC: professional learning communities for school and district leaders."""

from __future__ import annotations

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    from plc import config, unit_of_work

    app = unit_of_work.UnitOfWorkFlask(__name__, instance_relative_config=True)
    unit_of_work.init_app(app)
    config.load(app, test_config)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxies = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    _init_extensions(app)
    from plc import routing

    routing.register(app)
    _register_blueprints(app)
    if app.config["BENCH"]:  # only for bench/run.py: reference routes, never in production
        from plc import bench

        bench.register(app)
    from plc import errors, logredact, security, static_files, templating

    logredact.install()
    errors.register(app)
    security.register(app)
    static_files.register(app)
    templating.register(app)
    from plc import cli

    cli.register(app)
    return app


def _init_extensions(app: Flask) -> None:
    from plc import models  # noqa: F401  (every model registered before first use)
    from plc.accounts import sessions
    from plc.extensions import babel, bootstrap, csrf, db, login_manager, migrate
    from plc.mail import outbox

    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir())
    csrf.init_app(app)
    bootstrap.init_app(app)
    from plc import i18n

    babel.init_app(app, default_locale=i18n.DEFAULT, locale_selector=i18n.select_locale)
    i18n.install_catalog_lookup(app.jinja_env)
    login_manager.init_app(app)
    sessions.configure(login_manager)
    outbox.init_app(app)
    from plc import stamps

    stamps.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            _tune_sqlite(db.engine)


def _migrations_dir() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parent.parent / "migrations")


def _tune_sqlite(engine) -> None:
    """WAL, a busy timeout and foreign keys; writes take the lock up front (BEGIN IMMEDIATE)
    so that read-then-update requests from several workers never lose an update."""
    from sqlalchemy import event

    from plc.unit_of_work import is_read_only_request

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # Read-only requests need not queue behind writers.
        connection.exec_driver_sql("BEGIN" if is_read_only_request() else "BEGIN IMMEDIATE")


def _register_blueprints(app: Flask) -> None:
    from plc.accounts.views import bp as accounts_bp
    from plc.admin.views import bp as admin_bp
    from plc.api.views import bp as api_bp
    from plc.assessments.views import bp as assessments_bp
    from plc.audit.views import bp as audit_bp
    from plc.dashboards.views import bp as dashboards_bp
    from plc.feedback.views import bp as feedback_bp
    from plc.main.views import bp as main_bp
    from plc.meetings.views import bp as meetings_bp
    from plc.notifications.views import bp as notifications_bp
    from plc.plans.views import bp as plans_bp
    from plc.privacy.views import bp as privacy_bp
    from plc.programs.views import bp as programs_bp
    from plc.rubrics.views import bp as rubrics_bp
    from plc.voice.views import bp as voice_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(programs_bp)
    app.register_blueprint(assessments_bp)
    app.register_blueprint(rubrics_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(dashboards_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(voice_bp)
