"""A Run is one execution of a scenario; its Frames are stored as they are produced.

The database is the source of truth for a run: the channel layer only carries
what is new, so a late or reconnecting viewer reads everything from here.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

# A failure with details only the program knows (an exception's text): stored in
# English with the details filled in, shown with the sentence in the reader's language.
SIMULATION_ERROR = gettext_noop("The simulation stopped with an error: %(detail)s")
_SIMULATION_ERROR_PREFIX = SIMULATION_ERROR.split("%(detail)s")[0]


def translated_error(error: str) -> str:
    """A stored failure reason in the active language: known reasons are translated whole,
    a simulation error keeps its details and translates the sentence around them."""
    if not error:
        return ""
    if error.startswith(_SIMULATION_ERROR_PREFIX):
        return gettext(SIMULATION_ERROR) % {"detail": error[len(_SIMULATION_ERROR_PREFIX) :]}
    return gettext(error)


class Run(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    scenario = models.SlugField(_("scenario"), max_length=80, db_index=True)
    params = models.JSONField(_("parameters"), default=dict)
    seed = models.PositiveIntegerField(_("seed"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("error"), blank=True)
    progress = models.FloatField(_("progress"), default=0.0)
    last_seq = models.IntegerField(default=-1)  # the highest stored frame seq
    result = models.JSONField(_("result"), null=True, blank=True)
    # The scenario's order of the result's keys (PostgreSQL's jsonb does not keep it).
    result_keys = models.JSONField(default=list, blank=True)
    cancel_requested = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Touched by the worker whenever it stores frames; a running run whose
    # heartbeat is old has lost its worker (see runs.do_fail_if_lost).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Who launched it: `client` is a keyed hash of the network address (rate
    # and concurrency limits); `owner` is the launching browser's id and
    # `cancel_token` is handed to an API client, either of which may cancel.
    client = models.CharField(max_length=64, blank=True, db_index=True)
    owner = models.CharField(max_length=64, blank=True)
    cancel_token = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # deliveries to a worker

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="run_status_created")]
        verbose_name = _("run")
        verbose_name_plural = _("runs")

    def __str__(self) -> str:
        return f"{self.scenario} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("playground:run", kwargs={"run_id": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    def queue_position(self) -> int | None:
        """1 for the next run a worker will take; None unless queued."""
        if self.status != self.Status.QUEUED:
            return None
        return Run.objects.filter(status=self.Status.QUEUED, pk__lte=self.pk).count()

    def ordered_result(self) -> dict[str, Any] | None:
        """The result with its keys in the order the scenario produced them."""
        if self.result is None:
            return None
        keys = [k for k in self.result_keys if k in self.result]
        return {**{k: self.result[k] for k in keys}, **{k: v for k, v in self.result.items() if k not in keys}}

    def error_text(self) -> str:
        """The failure reason in the active language (known reasons are translated)."""
        return translated_error(self.error)

    def status_message(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "progress": self.progress,
            "error": self.error,
            "error_text": self.error_text(),
            "queue_position": self.queue_position(),
            "last_seq": self.last_seq,
        }


class Frame(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="frames")
    seq = models.PositiveIntegerField()
    data = models.JSONField()

    class Meta:
        ordering = ["run", "seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="frame_unique_seq")]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.seq}"
