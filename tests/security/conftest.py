"""The service under attack: started per test (or per module) in --listen
mode on a private unix socket (or TCP port), with a configuration the test
extends, and stopped afterwards.  Its standard error is kept to be read."""
import os
import signal
import socket
import subprocess
import time

import pytest

BIN = os.environ.get("FOLLOWINGS_BIN", "../../build/fcgi_app/followings-fcgi")
TMP = os.environ.get("SECURITY_TMP", "/tmp")
DB_SOCKET = os.environ.get("SECURITY_DB_SOCKET", "")
DB_NAME = os.environ.get("SECURITY_DB_NAME", "followings_security")
_counter = [0]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    def __init__(self, extra="", listen=None, workers=2):
        _counter[0] += 1
        self.dir = os.path.join(TMP, f"svc{_counter[0]}")
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o777)
        self.sock = os.path.join(self.dir, "fcgi.sock")
        self.listen = listen or f"unix:{self.sock}"
        self.address = self.sock if self.listen.startswith("unix:") else \
            (self.listen.rsplit(":", 1)[0].strip("[]"), int(self.listen.rsplit(":", 1)[1]))
        self.conf = os.path.join(self.dir, "service.conf")
        self.log_path = os.path.join(self.dir, "stderr.log")
        with open(self.conf, "w") as f:
            f.write(f"db_socket = {DB_SOCKET}\ndb_user = root\ndb_name = {DB_NAME}\n"
                    f"user = nobody\nworkers = {workers}\nmax_requests = 0\n"
                    f"shutdown_timeout = 3\nlog_level = info\n{extra}\n")
        self.proc = None

    def start(self, wait=True):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([BIN, "--config", self.conf, "--listen", self.listen],
                                     stderr=self.log, stdout=self.log)
        if wait:
            deadline = time.time() + 10
            while time.time() < deadline:
                assert self.proc.poll() is None, self.stderr()
                if "starting" in self.stderr() and self._connectable():
                    return self
                time.sleep(0.05)
            raise AssertionError("service did not start: " + self.stderr())
        return self

    def _connectable(self):
        try:
            if isinstance(self.address, str):
                s = socket.socket(socket.AF_UNIX)
            else:
                s = socket.socket(socket.AF_INET)
            s.connect(self.address)
            s.close()
            return True
        except OSError:
            return False

    def stderr(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def workers(self):
        """Pids of the master's children."""
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return sorted(int(p) for p in out.stdout.split())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture
def service_factory():
    made = []

    def make(extra="", **kw):
        s = Service(extra, **kw)
        made.append(s)
        return s
    yield make
    for s in made:
        s.stop()
        # Sanitizer builds: any report fails the test that caused it.
        text = s.stderr()
        assert "AddressSanitizer" not in text and "runtime error:" not in text, text[-4000:]
