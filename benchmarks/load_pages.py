"""Load benchmark of the overview and target pages: 20 concurrent clients, loopback only.

Generates the demo data (`plantrack demo`) into a throwaway data folder (or uses the database
of PLANTRACK_DATABASE_URL, e.g. under scripts/with-postgres), starts a real server process (a
threaded WSGI server from the standard library, serving plantrack.wsgi), logs each client in,
warms every page once, then has 20 clients request the pages in a loop for a bounded time.
Prints p50/p95 per page; exits non-zero when a p95 misses 200 ms.

    .venv/bin/python benchmarks/load_pages.py [--seconds 20] [--clients 20] [--processes 2]
"""

import argparse
import http.client
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GOAL_MS = 200.0
PAGES = {
    "overview (province)": "/dashboard/zhejiang-2011/",
    "overview (city)": "/dashboard/zhejiang-2011/?region=330100",
    "target M-E-01": "/plans/zhejiang-2011/targets/M-E-01/",
    "target V00-30": "/plans/zhejiang-2011/targets/V00-30/",
}
SERVER = """
import socket, socketserver, sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from plantrack.wsgi import application

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

class Threaded(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 64

    def server_bind(self):
        # Several processes share the port; the kernel spreads connections among them.
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()

make_server("127.0.0.1", int(sys.argv[1]), application, Threaded, Quiet).serve_forever()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def login(base: str, username: str = "admin") -> str:
    """Log in through the login form; return the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    data = urllib.parse.urlencode(
        {"username": username, "password": "demo2011", "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    opener.open(urllib.request.Request(f"{base}/login/", data, headers={"Referer": base}))
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def get(port: int, path: str, cookie: str) -> tuple[int, bytes]:
    # http.client rather than urllib: the load generator shares the two cores with the
    # server, and urllib's opener chain costs it several times more per request.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def run(base: str, port: int, clients: int, seconds: float) -> dict[str, list[float]]:
    cookies = [login(base) for _ in range(clients)]
    # Warm each server process's cache, as the first visitors of the day do (connections are
    # spread over the processes by the kernel, so a few rounds reach them all).
    for _ in range(8):
        for url in PAGES.values():
            assert get(port, url, cookies[0])[0] == 200
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    names = list(PAGES)

    def work(index: int) -> None:
        i = index
        while time.monotonic() < stop:
            name = names[i % len(names)]
            started = time.perf_counter()
            status, _ = get(port, PAGES[name], cookies[index])
            elapsed = (time.perf_counter() - started) * 1000
            assert status == 200
            with lock:
                times[name].append(elapsed)
            i += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("PLANTRACK_DATA_DIR", tempfile.mkdtemp(prefix="plantrack-load-"))
    env["PLANTRACK_DEBUG"] = "0"
    subprocess.run([str(BIN / "plantrack"), "demo"], env=env, check=True, capture_output=True)
    port = free_port()
    servers = [
        subprocess.Popen([sys.executable, "-c", SERVER, str(port)], env=env)
        for _ in range(args.processes)
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        times = run(base, port, args.clients, args.seconds)
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
    database = "PostgreSQL" if env.get("PLANTRACK_DATABASE_URL") else "SQLite"
    print(
        f"{database}, {args.clients} clients, {args.seconds:.0f} s,"
        f" {args.processes} server processes"
    )
    missed = False
    for name, values in times.items():
        ordered = sorted(values)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        missed |= p95 >= GOAL_MS
        print(
            f"| {name} | {len(values)} | {statistics.median(values):.0f} ms | {p95:.0f} ms |"
            f" {'met' if p95 < GOAL_MS else 'missed'} |"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
