"""Serving: the ``heg serve`` command (:mod:`.cli`) and gunicorn as it runs it (:mod:`.gunicorn`)."""
