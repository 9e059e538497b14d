"""Every word a respondent reads (the respondent pages and the e-mails to invitees), in each
language a round may use. ``tests/voice/test_catalog.py`` fails when a text lacks a language.

The statements themselves are data: the framework file's ``survey`` section.
"""

from __future__ import annotations

from plc.voice.models import FAMILIES, LANGUAGES, OTHER, STAFF, STUDENTS

LANGUAGE_NAMES = {"en": "English", "es": "Español"}

WORDS: dict[str, dict[str, str]] = {
    "title": {"en": "Share your view", "es": "Comparta su opinión"},
    "intro": {
        "en": "{name} wants to hear how you see their work as a school leader. "
              "It takes about 5 minutes.",
        "es": "{name} quiere saber cómo ve usted su trabajo como líder de la escuela. "
              "Toma unos 5 minutos.",
    },
    "anonymous": {
        "en": "Your answers are anonymous. We do not ask your name and do not keep your "
              "e-mail, your address on the internet or your device. Your principal sees "
              "answers only when at least {n} people of your group have answered.",
        "es": "Sus respuestas son anónimas. No pedimos su nombre y no guardamos su correo, "
              "su dirección de internet ni su dispositivo. Su director(a) ve las respuestas "
              "solo cuando al menos {n} personas de su grupo han respondido.",
    },
    "part": {"en": "Part {i} of {n}", "es": "Parte {i} de {n}"},
    "you_answer_as": {"en": "You answer as:", "es": "Usted responde como:"},
    "how_much": {
        "en": "How much do you agree?", "es": "¿Qué tanto está de acuerdo?",
    },
    "optional": {"en": "Every question is optional.", "es": "Todas las preguntas son opcionales."},
    "your_words": {"en": "In your own words (optional)",
                   "es": "Con sus propias palabras (opcional)"},
    "send": {"en": "Send my answers", "es": "Enviar mis respuestas"},
    "thanks_title": {"en": "Thank you", "es": "Gracias"},
    "thanks": {
        "en": "Your answers were received. Thank you for helping your school.",
        "es": "Recibimos sus respuestas. Gracias por ayudar a su escuela.",
    },
    "closed_title": {"en": "This survey is closed", "es": "Esta encuesta está cerrada"},
    "closed": {
        "en": "This survey closed on {date}. It no longer takes answers.",
        "es": "Esta encuesta cerró el {date}. Ya no recibe respuestas.",
    },
    "not_open_title": {"en": "This survey is not open yet",
                       "es": "Esta encuesta todavía no está abierta"},
    "not_open": {"en": "It opens on {date}. Please come back then.",
                 "es": "Se abre el {date}. Por favor, vuelva ese día."},
    "used_title": {"en": "This link was already used", "es": "Este enlace ya fue usado"},
    "used": {
        "en": "This personal link takes one set of answers and it has been used, or the "
              "survey has closed.",
        "es": "Este enlace personal recibe una sola respuesta y ya fue usado, o la encuesta "
              "está cerrada.",
    },
    "busy_title": {"en": "Please try again later", "es": "Por favor, inténtelo más tarde"},
    "busy": {
        "en": "Many answers came from this connection in a short time. Please wait an hour "
              "and try again.",
        "es": "Llegaron muchas respuestas desde esta conexión en poco tiempo. Por favor, "
              "espere una hora e inténtelo de nuevo.",
    },
    "full_title": {"en": "This survey is full", "es": "Esta encuesta está completa"},
    "full": {
        "en": "This survey has received all the answers it can take. Thank you.",
        "es": "Esta encuesta ya recibió todas las respuestas posibles. Gracias.",
    },
    "empty": {
        "en": "Please answer at least one question before sending.",
        "es": "Por favor, responda al menos una pregunta antes de enviar.",
    },
    "bad_form": {
        "en": "The page was open too long. Please send your answers again.",
        "es": "La página estuvo abierta demasiado tiempo. Por favor, envíe sus respuestas "
              "de nuevo.",
    },
    "too_long": {
        "en": "Use at most {n} characters in each answer, please.",
        "es": "Use como máximo {n} caracteres en cada respuesta, por favor.",
    },
    "language": {"en": "Language", "es": "Idioma"},
    "note_title": {"en": "What I heard, what I will do", "es": "Lo que escuché, lo que haré"},
    "heard": {"en": "What I heard", "es": "Lo que escuché"},
    "will_do": {"en": "What I will do", "es": "Lo que haré"},
    "note_intro": {
        "en": "{name} asked for your view. Here is what they heard and what they will do.",
        "es": "{name} pidió su opinión. Esto es lo que escuchó y lo que hará.",
    },
    "flyer_scan": {"en": "Scan the code with your phone, or type the address:",
                   "es": "Escanee el código con su teléfono, o escriba la dirección:"},
    "flyer_open_until": {"en": "Open until {date}.", "es": "Abierta hasta el {date}."},
    "mail_subject": {"en": "{name} asks for your view", "es": "{name} le pide su opinión"},
    "mail_body": {
        "en": "Hello,\n\n{name} wants to hear how you see their work as a school leader. "
              "Your answers are anonymous and take about 5 minutes.\n\nThis link is personal "
              "and works once:\n{link}\n\nThe survey is open until {date}.\n\nThank you.\n",
        "es": "Hola:\n\n{name} quiere saber cómo ve usted su trabajo como líder de la escuela. "
              "Sus respuestas son anónimas y toman unos 5 minutos.\n\nEste enlace es personal "
              "y funciona una sola vez:\n{link}\n\nLa encuesta está abierta hasta el "
              "{date}.\n\nGracias.\n",
    },
    "reminder_subject": {"en": "Reminder: {name} asks for your view",
                         "es": "Recordatorio: {name} le pide su opinión"},
    "reminder_body": {
        "en": "Hello,\n\nThe survey from {name} closes on {date}. If you have not answered "
              "yet, your personal link still works once:\n{link}\n\nThank you.\n",
        "es": "Hola:\n\nLa encuesta de {name} cierra el {date}. Si todavía no ha respondido, "
              "su enlace personal aún funciona una vez:\n{link}\n\nGracias.\n",
    },
    STAFF: {"en": "Staff and teachers", "es": "Personal y docentes"},
    STUDENTS: {"en": "Students", "es": "Estudiantes"},
    FAMILIES: {"en": "Families", "es": "Familias"},
    OTHER: {"en": "Others", "es": "Otros"},
}

MONTHS = {
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
}


def word(key: str, lang: str, **values) -> str:
    """The text of ``key`` in ``lang`` (English where a language is unknown)."""
    texts = WORDS[key]
    text = texts.get(lang if lang in LANGUAGES else "en") or texts["en"]
    return text.format(**values) if values else text


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
