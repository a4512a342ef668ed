"""The Celery application: tasks live in workers/tasks.py."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("pattern_atlas")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["workers"])


@worker_process_init.connect
def _keep_a_channel_layer_loop(**_kwargs) -> None:
    """Each worker process sends its runs' frames over one loop and one set of connections."""
    from workers.progress import use_own_loop

    use_own_loop()
