"""Load benchmark of the overview and target pages: 20 concurrent clients, loopback only.

Generates the demo data (`plantrack demo`) into a throwaway data folder (or uses the database
of PLANTRACK_DATABASE_URL, e.g. under scripts/with-postgres), starts the deployment server
(gunicorn, gthread workers, see plantrack.web.serve) on a loopback port, logs each client in,
warms every page, then has 20 clients request the pages in a loop for a bounded time, each over
one kept-alive connection as a browser does. Prints requests/s, p50/p95 per page and the load
average; exits non-zero when a p95 misses 200 ms. ``--server stdlib --no-keep-alive`` gives the
earlier set-up (threaded stdlib WSGI server, a new connection and database connection per
request) for comparison; ``--repeat`` runs the load phase several times on the same data.

    .venv/bin/python benchmarks/load_pages.py [--seconds 20] [--clients 20] [--processes 2]
        [--server gunicorn|stdlib] [--no-keep-alive] [--repeat 1]
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


class Client:
    """One visitor: a session cookie and, with keep-alive, one connection reused."""

    def __init__(self, port: int, cookie: str, keep_alive: bool) -> None:
        self.port = port
        self.cookie = cookie
        self.keep_alive = keep_alive
        self.connection: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, bytes]:
        # http.client rather than urllib: the load generator shares the two cores with the
        # server, and urllib's opener chain costs it several times more per request.
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request("GET", path, headers={"Cookie": self.cookie})
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionError):
                # The server may close an idle kept-alive connection; a browser reconnects.
                self.close()
                if attempt:
                    raise
                continue
            if not self.keep_alive or response.will_close:
                self.close()
            return response.status, body
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def run(
    base: str, port: int, clients: int, seconds: float, keep_alive: bool
) -> dict[str, list[float]]:
    visitors = [Client(port, login(base), keep_alive) for _ in range(clients)]
    # Warm each server process's cache, as the first visitors of the day do (connections are
    # spread over the processes by the kernel, so a few rounds from every client reach them all).
    for visitor in visitors:
        for url in PAGES.values():
            assert visitor.get(url)[0] == 200
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    names = list(PAGES)

    def work(index: int) -> None:
        i = index
        visitor = visitors[index]
        while time.monotonic() < stop:
            name = names[i % len(names)]
            started = time.perf_counter()
            status, _ = visitor.get(PAGES[name])
            elapsed = (time.perf_counter() - started) * 1000
            assert status == 200
            with lock:
                times[name].append(elapsed)
            i += 1
        visitor.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def start_servers(
    server: str, port: int, processes: int, threads: int, env: dict
) -> list[subprocess.Popen]:
    if server == "gunicorn":
        command = [str(BIN / "plantrack"), "serve", "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", str(processes), "--threads", str(threads)]
        return [subprocess.Popen(command, env=env)]
    # The earlier set-up: a thread per connection, so no persistent database connections.
    env = {**env, "PLANTRACK_CONN_MAX_AGE": "0"}
    return [
        subprocess.Popen([sys.executable, "-c", SERVER, str(port)], env=env)
        for _ in range(processes)
    ]


def report(times: dict[str, list[float]], seconds: float) -> bool:
    """Print one run's table rows; whether every page met the goal."""
    total = sum(len(values) for values in times.values())
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{total / seconds:.0f} requests/s, load average after the run {load}")
    met = True
    for name, values in times.items():
        ordered = sorted(values)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        met &= p95 < GOAL_MS
        print(
            f"| {name} | {len(values)} | {statistics.median(values):.0f} ms | {p95:.0f} ms |"
            f" {'met' if p95 < GOAL_MS else 'missed'} |"
        )
    return met


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4, help="per gunicorn process")
    parser.add_argument("--server", choices=["gunicorn", "stdlib"], default="gunicorn")
    parser.add_argument("--no-keep-alive", dest="keep_alive", action="store_false")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-demo", action="store_true", help="reuse PLANTRACK_DATA_DIR's data")
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("PLANTRACK_DATA_DIR", tempfile.mkdtemp(prefix="plantrack-load-"))
    env["PLANTRACK_DEBUG"] = "0"
    if not args.skip_demo:
        command = [str(BIN / "plantrack"), "demo"]
        subprocess.run(command, env=env, check=True, capture_output=True)
    port = free_port()
    servers = start_servers(args.server, port, args.processes, args.threads, env)
    base = f"http://127.0.0.1:{port}"
    database = "PostgreSQL" if env.get("PLANTRACK_DATABASE_URL") else "SQLite"
    met = True
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(args.repeat):
            print(
                f"{database}, {args.clients} clients, {args.seconds:.0f} s, {args.server}"
                f" ({args.processes} processes, {args.threads} threads), keep-alive {'on' if args.keep_alive else 'off'}"
            )
            times = run(base, port, args.clients, args.seconds, args.keep_alive)
            met &= report(times, args.seconds)
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
