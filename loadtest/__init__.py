"""The load and fault suite of issue 7 (``make loadtest``; a short version runs in the tests)."""
