"""Every word a respondent reads (the respondent pages and the e-mails to invitees): English
source texts here, their Spanish in plc/translations/es/LC_MESSAGES/messages.po (compiled by
`make dev-setup` and `make run`). ``tests/voice/test_catalog.py`` fails when one lacks its
translation.

The statements themselves are data: the framework file's ``survey`` section.
"""

from __future__ import annotations

from flask_babel import force_locale, gettext

from plc.i18n import (
    LANGUAGE_NAMES,  # noqa: F401  (the views and forms take it from here)
    N_,
)
from plc.voice.models import FAMILIES, LANGUAGES, OTHER, STAFF, STUDENTS

# Keyed by use; the English texts are the catalog's msgids (plc/translations/es/...).
SOURCE: dict[str, str] = {
    "title": N_("Share your view"),
    "intro": N_(
        "{name} wants to hear how you see their work as a school leader. It takes"
        " about 5 minutes."),
    "anonymous": N_(
        "Your answers are anonymous. We do not ask your name and do not keep your"
        " e-mail, your address on the internet or your device. Your principal "
        "sees answers only when at least {n} people of your group have answered."),
    "part": N_("Part {i} of {n}"),
    "you_answer_as": N_("You answer as:"),
    "how_much": N_("How much do you agree?"),
    "optional": N_("Every question is optional."),
    "your_words": N_("In your own words (optional)"),
    "send": N_("Send my answers"),
    "thanks_title": N_("Thank you"),
    "thanks": N_("Your answers were received. Thank you for helping your school."),
    "closed_title": N_("This survey is closed"),
    "closed": N_("This survey closed on {date}. It no longer takes answers."),
    "not_open_title": N_("This survey is not open yet"),
    "not_open": N_("It opens on {date}. Please come back then."),
    "used_title": N_("This link was already used"),
    "used": N_(
        "This personal link takes one set of answers and it has been used, or the"
        " survey has closed."),
    "busy_title": N_("Please try again later"),
    "busy": N_(
        "Many answers came from this connection in a short time. Please wait an "
        "hour and try again."),
    "full_title": N_("This survey is full"),
    "full": N_("This survey has received all the answers it can take. Thank you."),
    "empty": N_("Please answer at least one question before sending."),
    "bad_form": N_("The page was open too long. Please send your answers again."),
    "too_long": N_("Use at most {n} characters in each answer, please."),
    "language": N_("Language"),
    "note_title": N_("What I heard, what I will do"),
    "heard": N_("What I heard"),
    "will_do": N_("What I will do"),
    "note_intro": N_("{name} asked for your view. Here is what they heard and what they will do."),
    "flyer_scan": N_("Scan the code with your phone, or type the address:"),
    "flyer_open_until": N_("Open until {date}."),
    "flyer_qr": N_("QR code that opens the survey"),
    "mail_subject": N_("{name} asks for your view"),
    "mail_body": N_(
        "Hello,\n\n{name} wants to hear how you see their work as a school leader. "
        "Your answers are anonymous and take about 5 minutes.\n\nThis link is "
        "personal and works once:\n{link}\n\nThe survey is open until {date}.\n\nThank"
        " you.\n"),
    "reminder_subject": N_("Reminder: {name} asks for your view"),
    "reminder_body": N_(
        "Hello,\n\nThe survey from {name} closes on {date}. If you have not "
        "answered yet, your personal link still works once:\n{link}\n\nThank you.\n"),
    STAFF: N_("Staff and teachers"),
    STUDENTS: N_("Students"),
    FAMILIES: N_("Families"),
    OTHER: N_("Others"),
}

# The catalog check (tests/voice/test_catalog.py) and `word` use this name.
WORDS = SOURCE

MONTHS = {
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
}


def word(key: str, lang: str, **values) -> str:
    """The text of ``key`` in ``lang``, from the compiled catalog (Flask-Babel); English where
    the language is unknown."""
    with force_locale(lang if lang in LANGUAGES else "en"):
        text = gettext(SOURCE[key])
    return text.format(**values) if values else text


def audience_name(audience, lang: str) -> str:
    """The name of a round's audience: the member's own for "other", else its kind's."""
    return audience.label if audience.kind == OTHER and audience.label else word(
        audience.kind, lang)


def long_date(day, lang: str) -> str:
    if lang == "es":
        return f"{day.day} de {MONTHS['es'][day.month - 1]} de {day.year}"
    return f"{day:%B} {day.day}, {day.year}"


def pick_language(asked: str | None, offered: list[str], accept) -> str:
    """The link's language if offered, else the browser's preference among the offered."""
    if asked in offered:
        return asked
    best = accept.best_match(offered) if accept is not None else None
    return best or offered[0]
