"""Start the real processes the way `make run` does: Redis, the ASGI web server, a Celery worker.

Used by the real-worker integration tests and the browser tests. It uses the
DATABASE_URL and REDIS_URL of the environment when they are set (as CI does),
and otherwise a fresh SQLite file and an embedded Redis in a temporary var/.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from config.settings import embedded_redis_socket

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Stack:
    var_dir: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    socket_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    scratch_database: ScratchDatabase | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def socket_url(self) -> str:
        return f"ws://127.0.0.1:{self.socket_port}"

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def spawn(self, name: str, argv: list[str]) -> None:
        log = open(self.var_dir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_redis(self) -> None:
        if os.environ.get("REDIS_URL"):
            return
        socket_path = embedded_redis_socket(self.var_dir)
        self.spawn("redis", [sys.executable, "manage.py", "redis_local"])
        wait_for(lambda: socket_path.exists(), "the embedded Redis socket", self)

    def start_web(self) -> None:
        """Pages over WSGI (gunicorn), run streams over ASGI (uvicorn), as in the Procfile."""
        self.spawn(
            "web",
            [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--threads", "4", "--log-level", "warning"],
        )  # fmt: skip
        self.start_sockets()

    def start_sockets(self) -> None:
        self.spawn(
            "sockets",
            [
                str(BIN / "uvicorn"), "config.asgi:application", "--host", "127.0.0.1",
                "--port", str(self.socket_port), "--no-access-log", "--ws", "websockets-sansio",
                "--ws-per-message-deflate", "false", "--lifespan", "off", "--log-level", "warning",
                "--workers", self.env.get("SOCKET_WORKERS", "1"),
            ],
        )  # fmt: skip

    def start_worker(self) -> None:
        self.spawn(
            "worker",
            [str(BIN / "celery"), "-A", "config", "worker", "--loglevel", "INFO", "--concurrency", "2",
             "--without-gossip", "--without-mingle"],
        )  # fmt: skip

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def stop_all(self) -> None:
        for name in ("web", "sockets", *[n for n in self.processes if n.startswith("worker")], "redis"):
            self.stop(name)
        if self.scratch_database is not None:
            self.scratch_database.drop()
            self.scratch_database = None

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ---\n{p.read_text()[-4000:]}" for p in sorted(self.var_dir.glob("*.log")))

    def get(self, path: str, timeout: float = 5) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=timeout) as response:  # noqa: S310 - loopback
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def wait_ready(self, timeout: float = 60) -> None:
        try:
            wait_for(lambda: _safe_status(self, "/readyz") == 200, "/readyz to answer 200", self, timeout)
        except TimeoutError as exc:
            try:
                body = self.get("/readyz", timeout=5)[1].decode(errors="replace")
            except OSError as error:
                body = repr(error)
            raise TimeoutError(f"/readyz answered: {body}\n{exc}") from None


def _safe_status(stack: Stack, path: str) -> int | None:
    try:
        return stack.get(path, timeout=3)[0]
    except OSError:
        return None


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_for(condition, what: str, stack: Stack, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise TimeoutError(f"timed out waiting for {what}\n{stack.logs()}")


class ScratchDatabase:
    """A fresh PostgreSQL database beside the one DATABASE_URL names, dropped afterwards,
    so the processes never see what earlier runs left in the shared one."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.admin_url = url
        self.name = f"{parts.path.lstrip('/') or 'postgres'}_stack_{secrets.token_hex(4)}"
        self.url = urlunsplit(parts._replace(path="/" + self.name))

    def create(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def start_stack(var_dir: Path, extra_env: dict[str, str] | None = None) -> Stack:
    env = {**os.environ, "VAR_DIR": str(var_dir), "DEBUG": "True", "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    env.setdefault("RUN_LAUNCH_RATE", "1000/minute")  # every test client shares one address
    env.pop("DJANGO_SETTINGS_MODULE", None)
    scratch = None
    if env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        scratch = ScratchDatabase(env["DATABASE_URL"])
        scratch.create()
        env["DATABASE_URL"] = scratch.url
    stack = Stack(var_dir=var_dir, env=env, scratch_database=scratch)
    env["WEBSOCKET_PORT"] = str(stack.socket_port)
    try:
        stack.manage("setup_local", "--no-admin")
        stack.start_redis()
        stack.start_web()
        stack.start_worker()
        stack.wait_ready()
        wait_for(lambda: _port_open(stack.socket_port), "the socket server", stack)
    except BaseException:
        stack.stop_all()
        raise
    return stack
