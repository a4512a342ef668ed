"""Simulations of the catalog's patterns, in pure Python.

Nothing here imports Django or Celery: a scenario is a generator of frames
that can run in a Celery worker, in `manage.py simulate` or in a plain test.
"""
