#!/usr/bin/env python3
"""Checks the manual pages against the program.

    tests/docs/check_man.py BINARY CONF_C MANDIR

BINARY is the built followings-fcgi, CONF_C fcgi_app/conf.c, MANDIR the
build's man/ directory with the generated followings-fcgi.8 and
followings-fcgi.conf.5.  Fails (exit 1, one line per difference) when:

- `mandoc -Tlint` reports anything about either page (style included);
- a configuration key the program accepts has no ".It Ic key" entry under
  KEYS in followings-fcgi.conf(5), or the page documents a key the program
  rejects as unknown;
- an integer default set in conf_defaults() differs from the page's
  "The default is N." for that key;
- an option of `--help` is missing from followings-fcgi(8)'s option list, or
  the page lists one that --help does not.

The keys come from the code, not from a list kept here: every string
literal in conf.c shaped like a key is a candidate, and the real binary
decides (`--check-config` on a file holding only that key says "unknown
key" for anything that is not one).  So a key added to conf.c, by whatever
means, fails this check until the page documents it.
"""

import os
import re
import subprocess
import sys
import tempfile


def fail(problems):
    for p in problems:
        print(f"check_man: {p}")
    print(f"check_man: {len(problems)} problem(s)")
    sys.exit(1)


def lint(mandir):
    pages = ["followings-fcgi.8", "followings-fcgi.conf.5"]
    # Run in MANDIR: mandoc looks for Xr targets there too, so the two pages
    # find each other before they are installed.
    p = subprocess.run(["mandoc", "-Tlint", "-Wstyle"] + pages, cwd=mandir,
                       capture_output=True, text=True)
    out = [line for line in (p.stdout + p.stderr).splitlines()
           # about the system's index, not our pages
           if "outdated mandoc.db" not in line]
    problems = [f"mandoc: {line}" for line in out]
    if p.returncode != 0 and not problems:
        problems.append(f"mandoc -Tlint exited {p.returncode}")
    return problems


def is_key(binary, tmp, name):
    path = os.path.join(tmp, "probe.conf")
    with open(path, "w") as f:
        f.write(f"{name} = 1\n")
    p = subprocess.run([binary, "--check-config", "--config", path],
                       capture_output=True, text=True)
    if p.returncode == 0:
        return True
    return f"unknown key '{name}'" not in p.stderr


def code_keys(binary, conf_c):
    src = open(conf_c).read()
    candidates = sorted(set(re.findall(r'"([a-z][a-z0-9]*(?:_[a-z0-9]+)*)"', src)))
    with tempfile.TemporaryDirectory() as tmp:
        # A name that is surely not a key must be reported as unknown, or the
        # probe itself is broken.
        if is_key(binary, tmp, "no_such_key_at_all"):
            fail(["the binary does not say \"unknown key\" for an unknown key: probe broken"])
        keys = {c for c in candidates if is_key(binary, tmp, c)}
    return keys


def code_defaults(conf_c, keys):
    src = open(conf_c).read()
    m = re.search(r"conf_defaults\s*\([^)]*\)\s*\{(.*?)\n\}", src, re.S)
    if not m:
        return {}
    return {k: v for k, v in re.findall(r"c->([a-z_0-9]+)\s*=\s*([0-9]+)\s*;", m.group(1))
            if k in keys}


def page_keys(conf5):
    """{key: text of its entry} for the .It Ic entries under .Sh KEYS."""
    lines = open(conf5).read().splitlines()
    entries, cur, in_keys = {}, None, False
    for line in lines:
        if line.startswith(".Sh "):
            in_keys = line == ".Sh KEYS"
            cur = None
            continue
        if not in_keys:
            continue
        m = re.match(r"\.It Ic (\S+)", line)
        if m:
            cur = m.group(1)
            if cur in entries:
                entries[cur] += "\n(documented twice)"
            entries.setdefault(cur, "")
        elif line.startswith((".El", ".Ss")):
            cur = None
        elif cur is not None:
            entries[cur] += line + "\n"
    return entries


def help_options(binary):
    p = subprocess.run([binary, "--help"], capture_output=True, text=True)
    if p.returncode != 0:
        fail([f"{binary} --help exited {p.returncode}"])
    return set(re.findall(r"^\s+(-[a-zA-Z]), (--[a-z-]+)", p.stdout, re.M))


def page_options(page8):
    """(short, long) pairs of the .It Fl x ... , Fl \\-long entries."""
    opts = set()
    for line in open(page8).read().splitlines():
        m = re.match(r"\.It Fl ([a-zA-Z])\b.*, Fl \\-([a-z-]+)", line)
        if m:
            opts.add((f"-{m.group(1)}", f"--{m.group(2)}"))
    return opts


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    binary, conf_c, mandir = sys.argv[1:]
    conf5 = os.path.join(mandir, "followings-fcgi.conf.5")
    page8 = os.path.join(mandir, "followings-fcgi.8")
    problems = lint(mandir)

    keys = code_keys(binary, conf_c)
    if len(keys) < 10:
        problems.append(f"only {len(keys)} keys found in {conf_c}: the probe is broken")
    documented = page_keys(conf5)
    for k in sorted(keys - set(documented)):
        problems.append(f"key '{k}' is accepted by the program but not in followings-fcgi.conf(5)")
    for k in sorted(set(documented) - keys):
        problems.append(f"followings-fcgi.conf(5) documents '{k}', which the program rejects as unknown")
    for k, text in documented.items():
        if "(documented twice)" in text:
            problems.append(f"followings-fcgi.conf(5) documents '{k}' twice")

    for k, v in sorted(code_defaults(conf_c, keys).items()):
        m = re.search(r"The default is ([0-9]+)\.", documented.get(k, ""))
        if k in documented and (m is None or m.group(1) != v):
            said = m.group(1) if m else "nothing"
            problems.append(f"default of '{k}': conf.c sets {v}, followings-fcgi.conf(5) says {said}")

    in_help, in_page = help_options(binary), page_options(page8)
    if not in_help:
        problems.append("no options found in --help: the parser is broken")
    for o in sorted(in_help - in_page):
        problems.append(f"option {o[0]}, {o[1]} is in --help but not in followings-fcgi(8)")
    for o in sorted(in_page - in_help):
        problems.append(f"followings-fcgi(8) lists {o[0]}, {o[1]}, which --help does not")

    if problems:
        fail(problems)
    print(f"check_man: mandoc -Tlint clean; {len(keys)} keys in conf.c and followings-fcgi.conf(5), "
          f"{len(code_defaults(conf_c, keys))} integer defaults agree; "
          f"{len(in_help)} options in --help and followings-fcgi(8)")


if __name__ == "__main__":
    main()
