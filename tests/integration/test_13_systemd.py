"""systemd integration without systemd as PID 1: systemd-socket-activate
passes the listening socket (LISTEN_FDS/LISTEN_PID), a unix datagram
socket stands in for NOTIFY_SOCKET and the test reads what the master sends
(READY=1, RELOADING=1, STOPPING=1, STATUS=); systemd-analyze verifies the
units in conf/systemd/ (binary path replaced by the one under test)."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest

import fcgi_client
import support as s

BIN = os.path.abspath(os.environ.get("FOLLOWINGS_BIN", "fcgi_app/followings-fcgi"))
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ACTIVATE = shutil.which("systemd-socket-activate")


def messages(ns, until, timeout=15.0):
    """Datagrams from the notify socket until one contains `until`."""
    got = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ns.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            m = ns.recv(4096).decode()
        except socket.timeout:
            break
        got.append(m)
        if until in m.split("\n"):
            return got
    raise AssertionError(f"no {until} within {timeout} s; got {got}")


def fields(msg):
    return dict(line.split("=", 1) for line in msg.split("\n") if "=" in line)


@pytest.fixture
def activated(tmp_path):
    assert ACTIVATE, "systemd-socket-activate (package systemd) is not installed"
    notify_path = str(tmp_path / "notify.sock")
    ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ns.bind(notify_path)
    sock = str(tmp_path / "activated.sock")
    conf = tmp_path / "sd.conf"
    conf.write_text(f"""db_socket = {s.DB_SOCKET}
db_user = root
db_name = {s.DB_NAME}
workers = 2
shutdown_timeout = 5
status_path = /st
""" + ("user = root\n" if os.geteuid() == 0 else ""))
    log = open(tmp_path / "sd.log", "w")
    # --listen is given too, as the unit does: the passed socket wins.
    proc = subprocess.Popen([ACTIVATE, "-l", sock, "-E", f"NOTIFY_SOCKET={notify_path}",
                             BIN, "--config", str(conf), "--listen", f"unix:{tmp_path}/unused.sock"],
                            stdout=log, stderr=log)
    s.wait_until(lambda: os.path.exists(sock), 10, what="systemd-socket-activate listening")
    yield proc, ns, sock, tmp_path
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    ns.close()
    text = (tmp_path / "sd.log").read_text(errors="replace")
    assert not re.search(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:", text), text


def test_socket_activation_and_notifications(activated):
    proc, ns, sock, tmp = activated
    # systemd-socket-activate starts the program on the first connection;
    # a slow start (a sanitizer build on a loaded machine) may drop that
    # first connection, so it is tried again, at most twice.
    for attempt in range(3):
        try:
            r = fcgi_client.request(sock, "/st?json")
            break
        except ConnectionError:
            if attempt == 2:
                raise
            time.sleep(1)
    assert r.status == 200, r.text()
    d = json.loads(r.text())
    # The activator execs the program: same pid, and it runs a pool.
    assert d["scope"] == "pool" and d["master_pid"] == proc.pid
    got = messages(ns, "READY=1")
    ready = fields(got[-1])
    assert ready["READY"] == "1" and ready["MAINPID"] == str(proc.pid)
    assert ready["STATUS"] == "serving with 2 workers"
    assert not os.path.exists(f"{tmp}/unused.sock"), "--listen used despite LISTEN_FDS"
    workers = s.wait_until(lambda: len(open(f"/proc/{proc.pid}/task/{proc.pid}/children").read().split()) == 2
                           and open(f"/proc/{proc.pid}/task/{proc.pid}/children").read().split(), 10,
                           what="2 workers")[0]
    assert len(workers) == 2
    r = fcgi_client.request(sock, s.followings_path(s.PAGER))
    assert r.status == 200 and s.ids(json.loads(r.text())) == s.PAGER_FOLLOWINGS

    # SIGHUP: RELOADING=1 (with MONOTONIC_USEC), then READY=1 again.
    os.kill(proc.pid, signal.SIGHUP)
    got = messages(ns, "READY=1")
    reloading = [fields(m) for m in got if "RELOADING=1" in m.split("\n")]
    assert len(reloading) == 1 and int(reloading[0]["MONOTONIC_USEC"]) > 0, got
    assert fields(got[-1])["STATUS"] == "reloaded: 2 workers"
    assert got.index(next(m for m in got if "RELOADING=1" in m)) < len(got) - 1
    r = fcgi_client.request(sock, "/st?json")
    d = json.loads(r.text())
    assert d["accepted_requests"] == 2, "the totals survive the reload"

    # SIGTERM: STOPPING=1, exit 0; the socket is systemd's: it stays.
    os.kill(proc.pid, signal.SIGTERM)
    got = messages(ns, "STOPPING=1")
    assert fields(got[-1])["STATUS"].startswith("stopping")
    assert proc.wait(timeout=15) == 0
    assert os.path.exists(sock), "the program removed the socket systemd owns"


def test_periodic_status_line(activated):
    proc, ns, sock, _ = activated
    fcgi_client.request(sock, s.followings_path(s.PAGER))
    messages(ns, "READY=1")
    deadline = time.monotonic() + 12
    status = None
    while time.monotonic() < deadline and status is None:
        ns.settimeout(deadline - time.monotonic())
        try:
            m = fields(ns.recv(4096).decode())
        except socket.timeout:
            break
        if "READY" not in m and "STATUS" in m:
            status = m["STATUS"]
    assert status is not None, "no periodic STATUS= line within 12 s"
    assert status.startswith("2 workers (") and "requests" in status and "database reconnects" in status
    proc.terminate()
    assert proc.wait(timeout=15) == 0


def test_units_pass_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze (package systemd) is not installed"
    for unit in ("followings-fcgi.service", "followings-fcgi.socket"):
        text = open(os.path.join(REPO, "conf", "systemd", unit)).read()
        (tmp_path / unit).write_text(text.replace("/usr/bin/followings-fcgi", BIN))
    p = subprocess.run([analyze, "verify", "./followings-fcgi.service", "./followings-fcgi.socket"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and not p.stdout.strip() and not p.stderr.strip(), p.stdout + p.stderr
    service = (tmp_path / "followings-fcgi.service").read_text()
    assert "\nType=notify\n" in service and "AF_NETLINK" in service
