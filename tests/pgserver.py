"""A throwaway PostgreSQL cluster for the tests and CI: ``python -m tests.pgserver start|stop|url``.

``initdb`` refuses to run as root, so when run as root the cluster belongs to an unprivileged account
(``postgres`` from the distribution's package, else ``nobody``). It listens on 127.0.0.1 only, on a free
port, with its socket in its own folder; fsync is off (the data is thrown away). ``start`` prints the
URL of its ``postgres`` database; the tests read it from ``TRIBUNAL_DESK_TEST_PG`` and create their own
databases there. The cluster's folder is recorded in ``/tmp/tribunal-desk-pg.json`` so ``stop`` finds it.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STATE = Path(tempfile.gettempdir()) / "tribunal-desk-pg.json"
SUPERUSER = "td_test"


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path:
        return path
    raise SystemExit(f"PostgreSQL's {name} was not found: apt-get install postgresql")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(owner: str | None, argv: list[str]) -> list[str]:
    return ["runuser", "-u", owner, "--", *argv] if owner else argv


def start() -> str:
    if STATE.exists():
        state = json.loads(STATE.read_text())
        if _running(state):
            return str(state["url"])
    owner: str | None = None
    if os.geteuid() == 0:
        for name in ("postgres", "nobody"):
            try:
                pwd.getpwnam(name)
            except KeyError:
                continue
            owner = name
            break
    folder = Path(tempfile.mkdtemp(prefix="tribunal-desk-pg-"))
    data, sock = folder / "data", folder / "sock"
    sock.mkdir()
    if owner:
        uid = pwd.getpwnam(owner).pw_uid
        gid = pwd.getpwnam(owner).pw_gid
        os.chown(folder, uid, gid)
        os.chown(sock, uid, gid)
    port = _free_port()
    subprocess.run(
        _as_owner(
            owner,
            [
                _bin("initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sock} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
    )
    subprocess.run(
        _as_owner(
            owner, [_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    url = f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres"
    STATE.write_text(json.dumps({"folder": str(folder), "owner": owner, "url": url, "port": port}))
    return url


def _running(state: dict[str, object]) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", int(str(state["port"]))), timeout=1):
            return True
    except OSError:
        return False


def stop() -> None:
    if not STATE.exists():
        return
    state = json.loads(STATE.read_text())
    folder = Path(state["folder"])
    owner = state["owner"]
    subprocess.run(
        _as_owner(owner, [_bin("pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "stop"]),
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        if not _running(state):
            break
        time.sleep(0.1)
    shutil.rmtree(folder, ignore_errors=True)
    STATE.unlink(missing_ok=True)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command == "start":
        print(start())
    elif command == "stop":
        stop()
    elif command == "url":
        print(json.loads(STATE.read_text())["url"] if STATE.exists() else "")
    else:
        raise SystemExit("usage: python -m tests.pgserver start|stop|url")
