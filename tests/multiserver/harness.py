"""The processes of a site spread over several machines, and browsers that reach it through one
host name, as through a load balancer (the fixtures are in ``conftest.py``)."""

import http.client
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.benchmarks.site_throughput import ROOT, free_port
from tests.browser_forms import form_data

HOST = "news.example.test"  # the name the load balancer answers to, whichever server serves


@dataclass
class Process:
    """A process of the site, its output (stdout and stderr) in a file of its own."""

    name: str
    popen: subprocess.Popen
    log: Path

    def output(self):
        return self.log.read_text(encoding="utf-8", errors="replace")

    def finish(self, seconds=30):
        """The exit code, once the process has ended by itself."""
        wait_for(lambda: self.popen.poll() is not None, seconds, f"{self.name} to end")
        return self.popen.returncode

    def stop(self):
        """SIGTERM, as a process manager stops it (gunicorn and workers finish what they
        were doing); SIGKILL if it has not ended within ten seconds."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


@dataclass
class Server:
    name: str
    port: int
    process: Process


@dataclass
class Site:
    """The environment every process of the site shares, and the processes started in it."""

    environ: dict
    folder: Path
    processes: list = field(default_factory=list)
    servers: dict = field(default_factory=dict)

    def start(self, name, *args, **environ):
        """``python *args`` in the project's folder with the site's environment (``environ``
        over it), until ``stop()``."""
        log = self.folder / f"{name}.log"
        with log.open("wb") as output:
            popen = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                [sys.executable, *args],
                cwd=ROOT,
                env=self.environ | environ,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def manage(self, name, *args, **environ):
        """``manage.py *args`` in the background (a task worker, say), known as ``name``."""
        return self.start(name, "manage.py", *args, **environ)

    def server(self, name, workers=2, **environ):
        """An app server as ``make serve`` runs one, on a port of its own, once it answers."""
        port = free_port()
        process = self.start(
            name,
            "-m",
            "gunicorn",
            "newsroom.wsgi",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--access-logfile=-",
            "--no-control-socket",  # each would take the same path in $HOME
            **environ,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.popen.poll() is not None:
                pytest.fail(f"Server {name} exited:\n{process.output()}", pytrace=False)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                time.sleep(0.1)
            else:
                self.servers[name] = Server(name, port, process)
                return self.servers[name]
        pytest.fail(f"Server {name} did not answer in 30 s:\n{process.output()}", pytrace=False)

    def stop(self):
        for process in reversed(self.processes):
            process.stop()


def wait_for(condition, seconds=20, message="the condition"):
    """``condition()``'s first true value, asked every tenth of a second (work that another
    process does in its own time, as a task worker); fails after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"Not within {seconds} s: {message}", pytrace=False)
        time.sleep(0.1)
    return value


@dataclass
class Response:
    status_code: int
    headers: Message
    content: bytes

    @property
    def text(self):
        return self.content.decode()


class Browser:
    """A browser that the load balancer sends to ``server``: it asks for ``HOST``, keeps its
    cookies, and posts forms as a browser does (the CSRF token from the page, an ``Origin``).
    Redirects are not followed. ``get`` and ``post`` take what ``tests.browser_forms.submit``
    gives them; ``files`` ({name: (filename, bytes)}) posts ``multipart/form-data``."""

    def __init__(self, server, cookies=None):
        self.server = server
        self.cookies = {} if cookies is None else cookies

    def through(self, server):
        """This browser (its cookies), its next requests sent to another server."""
        return Browser(server, self.cookies)

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data, files=None):
        if files:
            content_type, body = multipart(data, files)
        else:
            content_type = "application/x-www-form-urlencoded"
            body = urlencode(data, doseq=True).encode()
        headers = {"Content-Type": content_type, "Origin": f"http://{HOST}"}
        return self.request("POST", path, body, headers)

    def request(self, method, path, body=None, headers=None):
        headers = {"Host": HOST, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        server = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            server.request(method, path, body, headers)
            answer = server.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        finally:
            server.close()
        for header in response.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def log_in(self, username, password):
        """Log in on the admin's login page, as a person does."""
        page = self.get("/admin/login/?next=/admin/")
        data = form_data(page, "login-form") | {"username": username, "password": password}
        response = self.post("/admin/login/?next=/admin/", data)
        assert response.status_code == 302, f"{username} could not log in on {self.server.name}"
        return self


def multipart(data, files):
    """``(content type, body)`` of a ``multipart/form-data`` post of ``data`` and ``files``."""
    boundary = secrets.token_hex(16)
    parts = []
    for name, values in data.items():
        for value in [values] if isinstance(values, str) else values:
            parts.append(f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
            parts[-1] += str(value).encode()
    for name, (filename, content) in files.items():
        parts.append(
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
        )
    body = b"".join(f"--{boundary}\r\n".encode() + part + b"\r\n" for part in parts)
    return f"multipart/form-data; boundary={boundary}", body + f"--{boundary}--\r\n".encode()
