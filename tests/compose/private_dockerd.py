"""A private Docker engine for one test run, and the base images it needs (no Docker Hub here).

PrivateDockerd starts Debian's dockerd with everything under one temporary directory
(--data-root, --exec-root, a unix socket -H, --pidfile), waits until it answers, and on stop()
shuts it down by its pid (TERM, then KILL after 30 s), unmounts what it left mounted, removes
the directory and puts back the host's iptables rules and ip_forward setting as they were
(dockerd adds NAT rules and sets the FORWARD policy to DROP, which would outlive it). A detached watcher does the same if the test process dies first (a ctest
timeout kills it), so no daemon outlives the run. Only one private daemon runs on a machine at a
time (a lock file): two would share the default bridge `docker0` and its iptables rules.

import_debian_base() makes `debian:12` (tagged `debian:12-slim` too) with
`mmdebstrap --variant=minbase bookworm - MIRROR | docker import -`, MIRROR being the Debian
mirror apt uses on this machine, when the daemon does not have it yet.
"""
import fcntl
import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

DOCKERD = "/usr/sbin/dockerd"
# Debian's docker.io client (20.10). /usr/local/bin/docker may be a newer client without buildx,
# whose default builder then fails; this one speaks the daemon's API version and builds classically.
DOCKER = "/usr/bin/docker"
LOCK_FILE = "/tmp/onet-skillgap-private-dockerd.lock"


class DockerdUnavailable(Exception):
    """dockerd is missing or could not start: the one reason the docker test skips."""


class PrivateDockerd:
    def __init__(self, log=print, start_timeout=90, lock_timeout=1800):
        self.log = log
        self.start_timeout = start_timeout
        self.lock_timeout = lock_timeout
        self.root = None
        self.proc = None
        self.pid = None
        self._lock = None
        self._watcher = None
        self._links_before = None  # network interfaces before the daemon started
        self._saved = {}

    # -- paths ---------------------------------------------------------------------------------
    @property
    def socket(self):
        return os.path.join(self.root, "docker.sock")

    @property
    def host(self):
        return "unix://" + self.socket

    @property
    def daemon_log(self):
        return os.path.join(self.root, "dockerd.log")

    def env(self, base=None):
        """The environment for docker and docker-compose: this daemon, classic builder."""
        env = dict(os.environ if base is None else base)
        env.update(DOCKER_HOST=self.host, DOCKER_BUILDKIT="0", COMPOSE_DOCKER_CLI_BUILD="0")
        env.pop("DOCKER_CONTEXT", None)
        env.pop("DOCKER_TLS_VERIFY", None)
        env.pop("DOCKER_CERT_PATH", None)
        return env

    # -- start / stop --------------------------------------------------------------------------
    def start(self):
        for tool in (DOCKERD, DOCKER):
            if not os.access(tool, os.X_OK):
                raise DockerdUnavailable(f"{tool} not found (scripts/deps.sh --test installs docker.io)")
        self._take_lock()
        # A short path: unix socket paths (ours and containerd's under --exec-root) max 108 bytes.
        self.root = tempfile.mkdtemp(prefix="skgd-", dir="/tmp")
        os.makedirs(os.path.join(self.root, "data"))
        os.makedirs(os.path.join(self.root, "exec"))
        self._links_before = set(os.listdir("/sys/class/net"))
        with open(os.path.join(self.root, "links-before"), "w") as f:  # for the watcher
            f.write("\n".join(sorted(self._links_before)) + "\n")
        self._save_host_network()
        cmd = [DOCKERD, f"--data-root={self.root}/data", f"--exec-root={self.root}/exec",
               f"-H", self.host, f"--pidfile={self.root}/docker.pid", "--storage-driver=overlay2"]
        logf = open(self.daemon_log, "wb")
        # Own session and closed stdin: ctest waits for every process holding its output pipe.
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        logf.close()
        self.pid = self.proc.pid
        self._start_watcher()
        t0 = time.monotonic()
        while time.monotonic() - t0 < self.start_timeout:
            if self.proc.poll() is not None:
                tail = self.log_tail()
                self.stop()
                raise DockerdUnavailable(f"dockerd exited with status {self.proc.returncode}:\n{tail}")
            if os.path.exists(self.socket):
                p = subprocess.run([DOCKER, "version", "--format", "{{.Server.Version}}"], env=self.env(),
                                   capture_output=True, text=True, timeout=30)
                if p.returncode == 0:
                    self.log(f"dockerd {p.stdout.strip()} (pid {self.pid}) on {self.host}, data root {self.root}/data")
                    return self
            time.sleep(0.2)
        tail = self.log_tail()
        self.stop()
        raise DockerdUnavailable(f"dockerd did not answer within {self.start_timeout} s:\n{tail}")

    def stop(self):
        """Stops the daemon by its pid and removes its directory. Safe to call twice."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        if self.root and os.path.isdir(self.root):
            unmount_under(self.root)
            # rm, not shutil.rmtree: a data root holds ~100k files (4x faster here).
            subprocess.run(["rm", "-rf", "--one-file-system", "--", self.root], capture_output=True)
            if os.path.isdir(self.root):
                self.log(f"warning: could not remove all of {self.root}")
        self._restore_host_network()
        if self._watcher is not None:
            try:
                os.kill(self._watcher.pid, signal.SIGTERM)
                self._watcher.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
            self._watcher = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def log_tail(self, lines=25):
        try:
            with open(self.daemon_log, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no dockerd log)"

    # -- helpers -------------------------------------------------------------------------------
    def _take_lock(self):
        self._lock = open(LOCK_FILE, "a+")
        t0 = time.monotonic()
        announced = False
        while True:
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if not announced:
                    self.log(f"waiting for another private dockerd on this machine to finish ({LOCK_FILE})")
                    announced = True
                if time.monotonic() - t0 > self.lock_timeout:
                    raise DockerdUnavailable(f"another private dockerd held {LOCK_FILE} for {self.lock_timeout} s")
                time.sleep(2)

    def _save_host_network(self):
        self._saved = {}
        for table in ("filter", "nat"):
            p = subprocess.run(["iptables-save", "-t", table], capture_output=True, text=True)
            if p.returncode == 0:
                self._saved[table] = p.stdout
                with open(os.path.join(self.root, f"iptables-{table}.rules"), "w") as f:
                    f.write(p.stdout)
        try:
            self._saved["ip_forward"] = open("/proc/sys/net/ipv4/ip_forward").read().strip()
            with open(os.path.join(self.root, "ip_forward"), "w") as f:
                f.write(self._saved["ip_forward"])
        except OSError:
            pass

    def _restore_host_network(self):
        # The bridges the daemon made (docker0, br-<network> of networks not removed) outlive it.
        if self._links_before is not None:
            for link in sorted(set(os.listdir("/sys/class/net")) - self._links_before):
                if link == "docker0" or link.startswith("br-"):
                    subprocess.run(["ip", "link", "delete", link], capture_output=True)
        self._links_before = None
        saved, self._saved = self._saved, {}
        for table in ("filter", "nat"):
            if table in saved:
                # -T TABLE: only that table, replaced whole (docker's chains and rules go).
                subprocess.run(["iptables-restore", "-T", table], input=saved[table], text=True, capture_output=True)
        if "ip_forward" in saved:
            try:
                with open("/proc/sys/net/ipv4/ip_forward", "w") as f:
                    f.write(saved["ip_forward"])
            except OSError:
                pass

    def _start_watcher(self):
        # Waits for this process; if it dies with the daemon still running, stops the daemon by
        # its pid and removes the directory (umount first: overlay mounts block rm).
        script = r'''
owner=$1 daemon=$2 root=$3
while kill -0 "$owner" 2>/dev/null; do sleep 1; done
if kill -0 "$daemon" 2>/dev/null; then
  kill -TERM "$daemon"
  for i in $(seq 1 300); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$daemon" 2>/dev/null
fi
awk -v r="$root" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
for t in filter nat; do [[ -f "$root/iptables-$t.rules" ]] && iptables-restore -T "$t" <"$root/iptables-$t.rules"; done
[[ -f "$root/ip_forward" ]] && cat "$root/ip_forward" >/proc/sys/net/ipv4/ip_forward
for l in $(ls /sys/class/net); do
  case "$l" in docker0|br-*) grep -qx "$l" "$root/links-before" 2>/dev/null || ip link delete "$l" ;; esac
done
case "$root" in /tmp/skgd-*) rm -rf -- "$root" ;; esac
'''
        self._watcher = subprocess.Popen(["bash", "-c", script, "watcher", str(os.getpid()), str(self.pid), self.root],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, start_new_session=True)


def unmount_under(root):
    """Lazily unmounts every mount point below `root` (deepest first)."""
    try:
        with open("/proc/mounts") as f:
            points = [line.split()[1] for line in f]
    except OSError:
        return
    root = os.path.realpath(root)
    for m in sorted((p for p in points if p == root or p.startswith(root + "/")), reverse=True):
        subprocess.run(["umount", "-l", m], capture_output=True)


def apt_mirror():
    """The Debian mirror apt uses here: the first `deb` source carrying the bookworm suite, from
    /etc/apt/sources.list, /etc/apt/sources.list.d/*.list or deb822 *.sources files."""
    candidates = []
    files = ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list"))
    for path in files:
        try:
            text = open(path, encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        for line in text.splitlines():
            m = re.match(r"^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)", line)
            if m:
                candidates.append((m.group(1), [m.group(2)]))
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        try:
            text = open(path, encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        for stanza in re.split(r"\n\s*\n", text):
            fields = {}
            for line in stanza.splitlines():
                m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
                if m:
                    fields[m.group(1).lower()] = m.group(2).strip()
            if "deb" not in fields.get("types", "").split() or fields.get("enabled", "yes").lower() == "no":
                continue
            for uri in fields.get("uris", "").split():
                candidates.append((uri, fields.get("suites", "").split()))
    for uri, suites in candidates:
        if "bookworm" in suites and uri.startswith(("http://", "https://", "file:/")):
            return uri
    raise RuntimeError("no Debian bookworm mirror in /etc/apt/sources.list or /etc/apt/sources.list.d/")


def import_debian_base(dockerd, log=print, timeout=900):
    """debian:12 and debian:12-slim in `dockerd`, made with mmdebstrap when absent. -> seconds spent."""
    env = dockerd.env()
    have = subprocess.run([DOCKER, "image", "inspect", "debian:12"], env=env, capture_output=True).returncode == 0
    t0 = time.monotonic()
    if not have:
        if not shutil.which("mmdebstrap"):
            raise RuntimeError("mmdebstrap not found (scripts/deps.sh --test installs it)")
        mirror = apt_mirror()
        log(f"making debian:12: mmdebstrap --variant=minbase bookworm - {mirror} | docker import - debian:12")
        strap = subprocess.Popen(["mmdebstrap", "--quiet", "--variant=minbase", "bookworm", "-", mirror],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        imp = subprocess.run([DOCKER, "import", "-", "debian:12"], stdin=strap.stdout, env=env,
                             capture_output=True, text=True, timeout=timeout)
        strap.stdout.close()
        err = strap.stderr.read().decode(errors="replace")
        rc = strap.wait(timeout=60)
        if rc != 0 or imp.returncode != 0:
            raise RuntimeError(f"making debian:12 failed: mmdebstrap exit {rc}: {err[-2000:]}; "
                               f"docker import exit {imp.returncode}: {imp.stderr[-1000:]}")
    for tag in ("debian:12-slim",):
        subprocess.run([DOCKER, "tag", "debian:12", tag], env=env, check=True, capture_output=True)
    return time.monotonic() - t0
