from tests.feedback.conftest import add_peer, world  # noqa: F401  (the same cast)
