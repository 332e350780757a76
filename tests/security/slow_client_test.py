#!/usr/bin/env python3
"""Slow clients (issue 10 §8): a connection that sends no complete request in time is closed.

cpprestsdk's listener has no header timeout (deploy/nginx/skillgap-api.conf says where in its
source), so the shipped answer is nginx in front with client_header_timeout. This test runs the
real skillgap-api on the repository's fixture and the shipped nginx config, rewritten only on its
three "test:" lines (addresses, and a 2 s timeout instead of 30 s), and checks:

  - through nginx, N connections that trickle a request head one byte every 0.5 s are all
    closed by nginx within the timeout (+ slack), and while they are open a normal request
    through nginx still gets its 200;
  - directly on skillgap-api the same connections are still open after the same wait: printed,
    as the reason the proxy is needed (not asserted: a cpprestsdk that gains a timeout would
    not be a failure).

  slow_client_test.py DAGRUN SKILLGAP_API [--connections N]
Every process it starts (dagrun, skillgap-api, nginx) is stopped by pid on the way out.
"""
import argparse, os, re, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request

TIMEOUT_S = 2


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_http(url, proc, what, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        if proc.poll() is not None:
            sys.exit(f"FAIL: {what} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.05)
    sys.exit(f"FAIL: {what} did not answer {url} within {seconds} s")


def open_trickling(port, n):
    """n sockets that have sent the start of a request head and never finish it."""
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        s.setblocking(False)
        socks.append(s)
    return socks


def trickle_until(socks, seconds):
    """Sends one more header byte on every open socket every 0.5 s for `seconds`; returns the
    sockets the peer closed and when (seconds from the start)."""
    closed = {}
    start = time.time()
    while time.time() - start < seconds:
        for i, s in enumerate(socks):
            if i in closed:
                continue
            try:
                s.recv(4096)  # EOF, or an error answer before the close: either way the peer ended it
                closed[i] = time.time() - start
                continue
            except BlockingIOError:
                pass
            except OSError:
                closed[i] = time.time() - start
                continue
            try:
                s.send(b"X")
            except OSError:
                closed[i] = time.time() - start
        time.sleep(0.5)
    return closed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dagrun")
    ap.add_argument("api")
    ap.add_argument("--connections", type=int, default=200)
    args = ap.parse_args()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        sys.exit("FAIL: nginx missing (scripts/deps.sh --test installs nginx-light)")

    work = tempfile.mkdtemp(prefix="slow-client-")
    os.chmod(work, 0o755)
    procs = []
    try:
        db = os.path.join(work, "sample.db")
        env = dict(os.environ, SAMPLE_DATABASE_URL=f"sqlite:{db}", LLM_PROVIDER="replay",
                   LLM_CASSETTE="tests/fixtures/llm/onet_mini.cassette.jsonl")
        r = subprocess.run([args.dagrun, "run", "pipelines/sample.yaml", "--set",
                            f"nodes.validate.params.rejects_path={work}/rejects.tsv"],
                           env=env, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"FAIL: loading the fixture: {r.stderr[-800:]}")

        api_port = free_port()
        api = subprocess.Popen([args.api, "--listen", f"127.0.0.1:{api_port}", "--db", f"sqlite:{db}", "--threads", "2"],
                               stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "api.log"), "w"))
        procs.append(api)
        wait_http(f"http://127.0.0.1:{api_port}/readyz", api, "skillgap-api")

        # The shipped config, on its three test lines only.
        conf = open("deploy/nginx/skillgap-api.conf").read()
        nginx_port = free_port()
        rewrites = [
            (r"server 127\.0\.0\.1:8080;(\s+# test:)", rf"server 127.0.0.1:{api_port};\1"),
            (r"listen 80;(\s+# test:)", rf"listen 127.0.0.1:{nginx_port};\1"),
            (r"client_header_timeout 30s;(\s+# test:)", rf"client_header_timeout {TIMEOUT_S}s;\1"),
        ]
        for pattern, repl in rewrites:
            conf, n = re.subn(pattern, repl, conf)
            if n != 1:
                sys.exit(f"FAIL: deploy/nginx/skillgap-api.conf: the line matching /{pattern}/ is gone or repeated "
                         "(the test rewrites it; update both)")
        os.makedirs(os.path.join(work, "nginx", "logs"))
        with open(os.path.join(work, "nginx", "skillgap-api.conf"), "w") as f:
            f.write(conf)
        with open(os.path.join(work, "nginx", "nginx.conf"), "w") as f:
            f.write(f"""worker_processes 1;
daemon off;
pid {work}/nginx/nginx.pid;
error_log {work}/nginx/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  include {work}/nginx/skillgap-api.conf;
}}
""")
        ng = subprocess.Popen([nginx, "-p", f"{work}/nginx", "-c", f"{work}/nginx/nginx.conf"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append(ng)
        wait_http(f"http://127.0.0.1:{nginx_port}/healthz", ng, "nginx")

        n = args.connections
        wait_s = TIMEOUT_S + 3
        # Through nginx.
        socks = open_trickling(nginx_port, n)
        with urllib.request.urlopen(f"http://127.0.0.1:{nginx_port}/healthz", timeout=5) as r:
            ok_meanwhile = r.status
        closed = trickle_until(socks, wait_s)
        for s in socks:
            s.close()
        latest = max(closed.values()) if closed else None
        print(f"through nginx (client_header_timeout {TIMEOUT_S}s): {len(closed)} of {n} trickling connections closed"
              + (f", the last after {latest:.1f} s" if latest is not None else "")
              + f"; a normal request meanwhile: {ok_meanwhile}")
        failures = []
        if len(closed) != n:
            failures.append(f"{n - len(closed)} of {n} trickling connections through nginx were still open after {wait_s} s")
        if latest is not None and latest > TIMEOUT_S + 2:
            failures.append(f"nginx closed the last one after {latest:.1f} s (timeout {TIMEOUT_S} s)")
        if latest is not None and min(closed.values()) < TIMEOUT_S - 1:
            failures.append(f"nginx closed one after {min(closed.values()):.1f} s, before its {TIMEOUT_S} s timeout")
        if ok_meanwhile != 200:
            failures.append(f"a normal request through nginx answered {ok_meanwhile}")

        # Directly on skillgap-api: the reason for the proxy.
        socks = open_trickling(api_port, n)
        closed_direct = trickle_until(socks, wait_s)
        for s in socks:
            s.close()
        print(f"directly on skillgap-api: {n - len(closed_direct)} of {n} trickling connections still open after {wait_s} s "
              "(cpprestsdk has no header timeout: the reason for deploy/nginx/skillgap-api.conf)")
        if api.poll() is not None:
            failures.append(f"skillgap-api exited ({api.returncode}) under the slow clients")
        with urllib.request.urlopen(f"http://127.0.0.1:{api_port}/healthz", timeout=5) as r:
            if r.status != 200:
                failures.append(f"skillgap-api /healthz answered {r.status} after the slow clients")
        if failures:
            for f in failures:
                print("FAIL:", f)
            sys.exit(1)
        print("ok")
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
