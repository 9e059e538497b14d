"""Extensions, created unbound and initialised in the app factory."""

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from plc.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
bootstrap = Bootstrap5()
# Message catalogs in plc/translations (compiled by `make dev-setup` / `make run`). Spanish
# ships for every text respondents read (plc/voice/words.py); the rest of the site is English.
babel = Babel()
