#!/usr/bin/env python3
"""Per-request cost of the FastCGI front (gate.c + libfcgi) in the worker.

    bench/gate_cost.py BINARY [BINARY...]   (e.g. this build and one of an older commit)

Serves one worker on a unix socket given on standard input (spawner mode,
so one process does all the work) and sends it N requests on one kept-alive
connection, for a path that needs no database ("/nope" -> 404): what is
measured is the FastCGI layer and the dispatcher, not MariaDB.  Reports, per
request: the worker's CPU time (user + system, from /proc, over 20000
requests) and, under callgrind, its instruction count (the difference
between 3000 and 1000 requests, so start-up cancels out; deterministic on a
noisy machine).
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "security"))
import fcgi  # noqa: E402


def serve(binary, tmp, valgrind=None):
    path = os.path.join(tmp, "s.sock")
    if os.path.exists(path):
        os.unlink(path)
    conf = os.path.join(tmp, "c.conf")
    with open(conf, "w") as f:
        f.write("db_socket = /nonexistent.sock\ndb_user = x\ndb_name = y\nlog_level = error\nuser = root\n")
    ls = socket.socket(socket.AF_UNIX)
    ls.bind(path)
    ls.listen(16)
    cmd = [binary, "--config", conf]
    if valgrind:
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={valgrind}"] + cmd
    p = subprocess.Popen(cmd, stdin=ls.fileno(), stderr=subprocess.DEVNULL)
    ls.close()
    return p, path


def drive(path, n):
    req = fcgi.request_bytes(fcgi.get_params("/nope"), keep=True)
    s = fcgi.connect(path, timeout=60)
    for _ in range(n):
        s.sendall(req)
        r = fcgi.read_records(s)
        assert r[-1][0] == fcgi.END_REQUEST
    s.close()


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(binary):
    with tempfile.TemporaryDirectory() as tmp:
        p, path = serve(binary, tmp)
        time.sleep(0.5)
        drive(path, 500)
        c0 = cpu_seconds(p.pid)
        drive(path, 20000)
        cpu = (cpu_seconds(p.pid) - c0) / 20000
        p.terminate()
        p.wait()
        irs = []
        for n in (1000, 3000):
            out = os.path.join(tmp, f"cg.{n}")
            p, path = serve(binary, tmp, valgrind=out)
            time.sleep(3)
            for _ in range(100):
                try:
                    drive(path, n)
                    break
                except OSError:
                    time.sleep(0.2)
            p.terminate()
            p.wait()
            with open(out) as f:
                irs.append(int([line for line in f if line.startswith("summary:") or line.startswith("totals:")][-1].split()[1]))
        return cpu, (irs[1] - irs[0]) / 2000


results = [(b, *measure(b)) for b in sys.argv[1:]]
base_cpu, base_ir = results[0][1], results[0][2]
for b, cpu, ir in results:
    print(f"{b}: {cpu * 1e6:.1f} us CPU/request ({cpu / base_cpu:.2f}x), "
          f"{ir:.0f} instructions/request ({ir / base_ir:.2f}x)")
