#!/usr/bin/env python3
"""The docker-compose stack, checked without a Docker engine (ctest label `compose`).

1. `docker-compose config` parses docker-compose.yml with .env.example as the env file (Debian's
   docker-compose 1.29 needs no engine for that), and refuses to without the passwords.
2. The stack is what issue 6 asks for: mysql (mysql:8.0, named volume, healthcheck), etl (runs
   dagrun pipelines/full.yaml once mysql is healthy, no restart), api (after etl completed
   successfully, port 8080, healthcheck on /readyz, restart policy).
3. Everything the compose file and the Dockerfile name exists: the build context and Dockerfile,
   every COPY source, every repo script a RUN line calls, the binaries a RUN line copies out of
   the build (mapped to their CMake targets), the commands the services run and the pipelines they
   load (also copied into the image; with --dagrun, `dagrun validate` accepts each one), every
   variable the compose file reads is in .env.example, and .env is ignored by git.
4. With --binary (the built dagrun and skillgap-api): every shared library a binary loads
   directly (its ELF NEEDED entries) comes from a package the runtime stage installs, one of
   their dependencies, or the base image's own (libc6, libgcc-s1, libstdc++6) — the image would
   otherwise build fine and fail only when the etl or api container starts.
5. The checker can fail: broken copies (a missing pipeline, a missing COPY source, a command that
   is no binary, no healthcheck, ...) must each be reported.

Usage: check_compose.py REPO [--dagrun PATH] [--binary PATH ...]. Exit 0 all good, 1 problems, 77 docker-compose
missing (ctest: skipped).
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml  # python3-yaml: a dependency of Debian's docker-compose
except ImportError:  # pragma: no cover
    yaml = None

passed = 0
failed = 0


def report(name, problems):
    global passed, failed
    if problems:
        failed += 1
        print(f"not ok - {name}")
        for p in problems:
            print(f"    {p}")
    else:
        passed += 1
        print(f"ok - {name}")


def compose_config(compose_file, project_dir, env_file):
    """`docker-compose config` -> (returncode, parsed or None, stderr)."""
    cmd = ["docker-compose", "--project-directory", project_dir, "-f", compose_file]
    if env_file:
        cmd += ["--env-file", env_file]
    cmd += ["config"]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MYSQL_", "LLM_", "ONET_", "GEMINI_", "API_PORT", "ON_ERROR", "DATABASE_URL", "COMPOSE_"))}
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=project_dir, timeout=60)
    if p.returncode != 0:
        return p.returncode, None, p.stderr
    return 0, yaml.safe_load(p.stdout), p.stderr


def check_local_data(repo, tmp, env_example):
    """docker-compose.local-data.yml: with ONET_DATA_DIR the etl reads that folder, mounted read-only
    at the path ONET_SOURCE names; without it `config` refuses, naming ONET_DATA_DIR."""
    override = os.path.join(repo, "docker-compose.local-data.yml")
    if not os.path.isfile(override):
        return ["docker-compose.local-data.yml is missing"]
    release = os.path.join(tmp, "db_29_2_text")
    os.makedirs(release, exist_ok=True)
    env_file = os.path.join(tmp, "local-data.env")
    with open(env_file, "w", encoding="utf-8") as f:
        f.write(open(env_example, encoding="utf-8").read() + f"\nONET_DATA_DIR={release}\n")
    cmd = ["docker-compose", "--project-directory", repo, "-f", os.path.join(repo, "docker-compose.yml"),
           "-f", override, "--env-file", env_file, "config"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MYSQL_", "ONET_", "COMPOSE_"))}
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=repo, timeout=60)
    if p.returncode != 0:
        return [f"config with docker-compose.local-data.yml failed ({p.returncode}): {p.stderr.strip()[:400]}"]
    etl = yaml.safe_load(p.stdout)["services"]["etl"]
    problems = []
    source = (etl.get("environment") or {}).get("ONET_SOURCE", "")
    mounts = []
    for v in etl.get("volumes", []):  # docker-compose 1.29 prints "SRC:DST:MODE" strings
        if isinstance(v, str):
            parts = v.split(":")
            v = {"source": parts[0], "target": parts[1] if len(parts) > 1 else "",
                 "read_only": len(parts) > 2 and "ro" in parts[2].split(",")}
        if isinstance(v, dict) and v.get("source") == release:
            mounts.append(v)
    if not mounts:
        problems.append(f"etl does not mount ONET_DATA_DIR: {etl.get('volumes')}")
    else:
        m = mounts[0]
        if not m.get("read_only"):
            problems.append("the release folder is not mounted read-only")
        if m.get("target") != source:
            problems.append(f"ONET_SOURCE {source!r} is not the mount point {m.get('target')!r}")
        if not source.rstrip("/").endswith("/db_29_2_text"):
            problems.append(f"ONET_SOURCE {source!r}: the loader reads the release number from the folder name")
    with open(env_file, "w", encoding="utf-8") as f:
        f.write(open(env_example, encoding="utf-8").read())
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=repo, timeout=60)
    if p.returncode == 0 or "ONET_DATA_DIR" not in p.stderr:
        problems.append(f"without ONET_DATA_DIR: exit {p.returncode}, {p.stderr.strip()[:200]!r} (expected a refusal naming it)")
    return problems


def executables(repo):
    """CMake executable target name -> the source folder that defines it."""
    out = {}
    for root, dirs, files in os.walk(repo):
        dirs[:] = [d for d in dirs if not d.startswith(("build", ".")) and d not in ("node_modules", "data")]
        if "CMakeLists.txt" in files:
            text = open(os.path.join(root, "CMakeLists.txt"), encoding="utf-8").read()
            for m in re.finditer(r"add_executable\(\s*([A-Za-z0-9_.+-]+)", text):
                out[m.group(1)] = os.path.relpath(root, repo)
    return out


def dockerfile_instructions(path):
    """[(INSTRUCTION, args)] with continuation lines joined and comments dropped."""
    out = []
    cur = ""
    for line in open(path, encoding="utf-8"):
        s = line.rstrip("\n")
        if not cur and (s.strip().startswith("#") or not s.strip()):
            continue
        if s.rstrip().endswith("\\"):
            cur += s.rstrip()[:-1] + " "
            continue
        cur += s
        word, _, rest = cur.strip().partition(" ")
        out.append((word.upper(), rest.strip()))
        cur = ""
    return out


def exec_form(args):
    args = args.strip()
    if args.startswith("["):
        import json
        return json.loads(args)
    return shlex.split(args)


def check_dockerfile(repo, dockerfile):
    """Problems with the Dockerfile; also returns what the image holds and which binaries."""
    problems = []
    copied = []          # (repo path, path in the image relative to WORKDIR) of the runtime stage
    binaries = set()     # executable names installed into the image
    targets = executables(repo)
    stages = 0
    base_images = []
    build_dir = "build"
    for word, args in dockerfile_instructions(dockerfile):
        if word == "FROM":
            stages += 1
            base_images.append(args.split()[0])
            copied = [] if stages > 1 else copied   # only the last stage's files end up in the image
        elif word == "COPY":
            parts = exec_form(args)
            if any(p.startswith("--from") for p in parts):
                continue
            parts = [p for p in parts if not p.startswith("--")]
            dest = parts[-1]
            for src in parts[:-1]:
                if src == ".":
                    continue
                if not os.path.exists(os.path.join(repo, src)):
                    problems.append(f"Dockerfile: COPY {src}: no such file or folder in the repository")
                elif stages > 1 and not dest.startswith("/"):
                    d = dest.rstrip("/") or "."
                    if dest.endswith("/") and not src.endswith("/") and os.path.isfile(os.path.join(repo, src)):
                        d = os.path.join(d, os.path.basename(src))
                    copied.append((src.rstrip("/"), d))
        elif word == "RUN":
            if "BUILD_DIR=" in args:
                build_dir = re.search(r"BUILD_DIR=(\S+)", args).group(1)
            for m in re.finditer(r"(?<![\w/.-])((?:scripts|bench|tests)/[\w./-]+)", args):
                p = os.path.join(repo, m.group(1))
                if not os.path.isfile(p):
                    problems.append(f"Dockerfile: RUN names {m.group(1)}: no such file in the repository")
                elif not os.access(p, os.X_OK) and re.search(r"(^|[;&|]\s*|\s)" + re.escape(m.group(1)) + r"(\s|$)", args):
                    problems.append(f"Dockerfile: RUN runs {m.group(1)}, which is not executable")
            # Binaries copied out of the build folder: build/<folder>/<target> must be a CMake executable there.
            for m in re.finditer(re.escape(build_dir) + r"/([\w/.-]+)", args):
                rel = m.group(1)
                folder, _, name = rel.rpartition("/")
                if name not in targets:
                    problems.append(f"Dockerfile: RUN copies {build_dir}/{rel}: no CMake executable '{name}' in the repository")
                elif targets[name] != folder:
                    problems.append(f"Dockerfile: RUN copies {build_dir}/{rel}, but '{name}' is built in {build_dir}/{targets[name]}")
                else:
                    binaries.add(name)
    if stages < 2:
        problems.append("Dockerfile: not multi-stage (one FROM)")
    if not base_images or not base_images[0].startswith("debian:12"):
        problems.append(f"Dockerfile: the build stage is not Debian 12 ({base_images[:1]})")
    text = open(dockerfile, encoding="utf-8").read()
    if "scripts/deps.sh" not in text or "scripts/build.sh" not in text:
        problems.append("Dockerfile: does not build with scripts/deps.sh and scripts/build.sh (the README's path)")
    return problems, copied, binaries


def in_image(path, copied):
    """The repository file that ends up at `path` (relative to the image's WORKDIR), or None."""
    path = path.rstrip("/")
    for src, dest in copied:
        if path == dest:
            return src
        if path.startswith(dest + "/"):
            return os.path.join(src, path[len(dest) + 1:])
    return None


# Packages of debian:12-slim that apt itself needs, so every Debian image has them.
BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6"}


def runtime_packages(dockerfile):
    """The packages `apt-get install` names in the Dockerfile's last stage."""
    pkgs = set()
    stage = 0
    for word, args in dockerfile_instructions(dockerfile):
        if word == "FROM":
            stage += 1
            pkgs = set()
        elif word == "RUN":
            for cmd in re.split(r"&&|;", args):
                words = shlex.split(cmd)
                if "apt-get" in words and "install" in words:
                    pkgs |= {w for w in words[words.index("install") + 1:] if not w.startswith("-")}
    return pkgs


def package_closure(pkgs):
    """`pkgs` and everything they depend on, as installed on this machine (dpkg's Depends/Pre-Depends)."""
    seen, todo = set(), list(pkgs)
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        q = subprocess.run(["dpkg-query", "-W", "-f=${Depends}, ${Pre-Depends}", p], capture_output=True, text=True)
        for alt in q.stdout.split(","):
            name = alt.split("|")[0].strip().split(" ")[0].split(":")[0]
            if name:
                todo.append(name)
    return seen


def check_runtime_libraries(dockerfile, binaries):
    """Problems: a directly loaded shared library whose package the runtime stage does not install."""
    problems = []
    installed = package_closure(runtime_packages(dockerfile)) | BASE_IMAGE_PACKAGES
    for binary in binaries:
        d = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True)
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", d.stdout)
        if d.returncode != 0 or not needed:
            problems.append(f"{binary}: no NEEDED entries read ({d.stderr.strip()[:200]})")
            continue
        resolved = dict(re.findall(r"^\s*(\S+) => (/\S+)", subprocess.run(["ldd", binary], capture_output=True, text=True).stdout, re.M))
        for soname in needed:
            path = resolved.get(soname)
            if not path:
                problems.append(f"{os.path.basename(binary)}: {soname} not found on this machine (ldd)")
                continue
            owner = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True, text=True)
            if owner.returncode != 0:
                owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
            pkg = owner.stdout.split(":")[0].strip() if owner.returncode == 0 else ""
            if not pkg:
                problems.append(f"{os.path.basename(binary)}: {soname} ({path}) belongs to no Debian package")
            elif pkg not in installed:
                problems.append(f"Dockerfile: the runtime stage does not install {pkg}, which has {soname} "
                                f"that {os.path.basename(binary)} loads")
    return problems


def seconds(value):
    """docker-compose durations as `config` prints them ("2s", "1m30s", "500ms") -> seconds."""
    total, s = 0.0, str(value)
    for num, unit in re.findall(r"([0-9.]+)(ms|us|ns|h|m|s)", s):
        total += float(num) * {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}[unit]
    return total if s else None


# A dependent service starts, and `docker-compose up` reports healthy, only at the next probe:
# with Docker's default 30 s interval the etl would wait up to 30 s for a database that is up.
MAX_HEALTH_INTERVAL_S = 5


def healthcheck_timing(service, hc):
    problems = []
    interval = seconds(hc.get("interval", "")) if hc.get("interval") else None
    if interval is None or interval > MAX_HEALTH_INTERVAL_S:
        problems.append(f"{service}: healthcheck interval {hc.get('interval', '30s (default)')} is over "
                        f"{MAX_HEALTH_INTERVAL_S} s: dependants and `up` would wait that long")
    if not hc.get("start_period"):
        problems.append(f"{service}: healthcheck has no start_period (a slow first start would count as failures)")
    return problems


def check_stack(repo, cfg, copied, binaries, dagrun):
    problems = []
    services = (cfg or {}).get("services", {})
    volumes = (cfg or {}).get("volumes", {}) or {}
    for name in ("mysql", "etl", "api"):
        if name not in services:
            problems.append(f"no service '{name}'")
    if problems:
        return problems
    mysql, etl, api = services["mysql"], services["etl"], services["api"]

    # mysql
    if mysql.get("image") != "mysql:8.0":
        problems.append(f"mysql: image is {mysql.get('image')!r}, not mysql:8.0")
    named = [v for v in mysql.get("volumes", []) if isinstance(v, str) and v.split(":")[0] in volumes]
    named += [v for v in mysql.get("volumes", []) if isinstance(v, dict) and v.get("type") == "volume" and v.get("source") in volumes]
    if not any((v if isinstance(v, str) else v.get("target", "")).find("/var/lib/mysql") >= 0 for v in named):
        problems.append("mysql: /var/lib/mysql is not on a named volume")
    if not mysql.get("healthcheck", {}).get("test"):
        problems.append("mysql: no healthcheck")
    problems += healthcheck_timing("mysql", mysql.get("healthcheck") or {})
    for var in ("MYSQL_ROOT_PASSWORD", "MYSQL_PASSWORD", "MYSQL_USER", "MYSQL_DATABASE"):
        if not (mysql.get("environment") or {}).get(var):
            problems.append(f"mysql: {var} is not set")

    # etl
    if not etl.get("build") and not etl.get("image"):
        problems.append("etl: neither build nor image")
    cond = (etl.get("depends_on") or {}).get("mysql", {})
    if not isinstance(cond, dict) or cond.get("condition") != "service_healthy":
        problems.append("etl: does not wait for mysql to be healthy (depends_on mysql: condition: service_healthy)")
    if str(etl.get("restart", "no")) not in ("no", "False", "false"):
        problems.append(f"etl: restart {etl.get('restart')!r}: a one-shot job must not restart")
    if "DATABASE_URL" not in (etl.get("environment") or {}) or not str(etl["environment"]["DATABASE_URL"]).startswith("mysql://"):
        problems.append("etl: DATABASE_URL is not a mysql:// URL")
    elif "@mysql:" not in etl["environment"]["DATABASE_URL"]:
        problems.append("etl: DATABASE_URL does not point at the mysql service")

    # api
    cond = (api.get("depends_on") or {}).get("etl", {})
    if not isinstance(cond, dict) or cond.get("condition") != "service_completed_successfully":
        problems.append("api: does not start after etl completed successfully")
    ports = api.get("ports") or []
    if not any((p.get("target") if isinstance(p, dict) else str(p).split(":")[-1]) in (8080, "8080") for p in ports):
        problems.append("api: port 8080 is not published")
    hc = " ".join(map(str, (api.get("healthcheck") or {}).get("test") or []))
    if "/readyz" not in hc:
        problems.append("api: no healthcheck on /readyz")
    problems += healthcheck_timing("api", api.get("healthcheck") or {})
    if api.get("restart") not in ("always", "unless-stopped", "on-failure") and not str(api.get("restart", "")).startswith("on-failure"):
        problems.append(f"api: restart policy {api.get('restart')!r}")
    if api.get("image") != etl.get("image"):
        problems.append("api: not the image the etl service builds")

    # The commands and the files they name.
    for svc_name in ("etl", "api"):
        cmd = services[svc_name].get("command")
        if not cmd:
            problems.append(f"{svc_name}: no command")
            continue
        cmd = cmd if isinstance(cmd, list) else shlex.split(cmd)
        if cmd[0] not in binaries:
            problems.append(f"{svc_name}: runs {cmd[0]!r}, which the Dockerfile does not install (installed: {sorted(binaries)})")
        for arg in cmd[1:]:
            if re.match(r"^[\w.-]+/[\w./-]+$", arg) and not arg.startswith("/"):
                src = in_image(arg, copied)
                if not os.path.exists(os.path.join(repo, arg)):
                    problems.append(f"{svc_name}: names {arg}: no such file in the repository")
                elif src is None:
                    problems.append(f"{svc_name}: names {arg}, which the Dockerfile does not copy into the image")
                elif not os.path.exists(os.path.join(repo, src)):
                    problems.append(f"{svc_name}: names {arg}, which the image gets from {src}: no such file in the repository")
                elif arg.endswith(".yaml") and dagrun:
                    env = dict(os.environ)
                    env.update({k: str(v) for k, v in (services[svc_name].get("environment") or {}).items()})
                    p = subprocess.run([dagrun, "validate", arg], cwd=repo, env=env, capture_output=True, text=True, timeout=60)
                    if p.returncode != 0:
                        problems.append(f"{svc_name}: dagrun validate {arg} failed ({p.returncode}): {(p.stdout + p.stderr).strip()[:400]}")
    etl_cmd = etl.get("command") or []
    etl_cmd = etl_cmd if isinstance(etl_cmd, list) else shlex.split(etl_cmd)
    if etl_cmd[:1] != ["dagrun"] or "pipelines/full.yaml" not in etl_cmd:
        problems.append(f"etl: does not run dagrun pipelines/full.yaml ({etl_cmd})")
    api_cmd = api.get("command") or []
    api_cmd = api_cmd if isinstance(api_cmd, list) else shlex.split(api_cmd)
    if "--listen" in api_cmd and not api_cmd[api_cmd.index("--listen") + 1].endswith(":8080"):
        problems.append("api: does not listen on port 8080 inside the container")
    if "--pipeline" not in api_cmd and in_image("pipelines/skill_gap.yaml", copied) is None:
        problems.append("api: its default pipeline pipelines/skill_gap.yaml is not in the image")
    return problems


def check_env_example(repo, compose_file):
    problems = []
    text = open(compose_file, encoding="utf-8").read()
    example = open(os.path.join(repo, ".env.example"), encoding="utf-8").read()
    listed = set(re.findall(r"^\s*#?\s*([A-Z][A-Z0-9_]*)=", example, re.M))
    used = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", text))
    for var in sorted(used - listed):
        problems.append(f".env.example does not mention {var}, which docker-compose.yml reads")
    for m in re.finditer(r"^\s*([A-Z_]*(?:PASSWORD|KEY|SECRET|TOKEN)[A-Z_]*)=(\S+)", example, re.M):
        if "change-me" not in m.group(2):
            problems.append(f".env.example: {m.group(1)} has a value that is not a placeholder")
    gitignore = os.path.join(repo, ".gitignore")
    if not os.path.exists(gitignore) or not re.search(r"^/?\.env$", open(gitignore, encoding="utf-8").read(), re.M):
        problems.append(".env is not in .gitignore")
    if re.search(r"^\s*env_file:", text, re.M) and not os.path.exists(os.path.join(repo, ".env")):
        pass  # env_file: .env would make `config` fail without .env; reported by the config check
    return problems


def check_all(repo, compose_file, dockerfile, env_file, dagrun):
    """Every problem with this compose file + Dockerfile (an empty list: all good)."""
    problems = []
    rc, cfg, err = compose_config(compose_file, repo, env_file)
    if rc != 0:
        return [f"docker-compose config failed ({rc}): {err.strip()[:500]}"]
    build = cfg["services"].get("etl", {}).get("build")
    if build:
        ctx = build.get("context") if isinstance(build, dict) else build
        df = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
        if os.path.realpath(ctx) != os.path.realpath(repo):
            problems.append(f"etl: build context {ctx} is not the repository")
        if not os.path.isfile(os.path.join(repo, df)):
            problems.append(f"etl: build names {df}: no such file in the repository")
    dprob, copied, binaries = check_dockerfile(repo, dockerfile)
    problems += dprob
    problems += check_stack(repo, cfg, copied, binaries, dagrun)
    problems += check_env_example(repo, compose_file)
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("repo")
    ap.add_argument("--dagrun", help="dagrun binary: also `dagrun validate` every pipeline the services load")
    ap.add_argument("--binary", action="append", default=[],
                    help="a built binary the image ships: its shared libraries must come from the runtime stage's packages")
    a = ap.parse_args()
    repo = os.path.realpath(a.repo)
    if not shutil.which("docker-compose"):
        print("SKIPPED: docker-compose not found (scripts/deps.sh --test installs it)")
        return 77
    if yaml is None:
        print("SKIPPED: python3-yaml not found (it comes with docker-compose)")
        return 77
    compose = os.path.join(repo, "docker-compose.yml")
    dockerfile = os.path.join(repo, "Dockerfile")

    with tempfile.TemporaryDirectory(prefix="skillgap-compose-") as tmp:
        env_file = os.path.join(tmp, "env")
        shutil.copy(os.path.join(repo, ".env.example"), env_file)

        rc, cfg, err = compose_config(compose, repo, env_file)
        report("docker-compose config parses docker-compose.yml with .env.example", [] if rc == 0 else [err.strip()])

        empty = os.path.join(tmp, "empty.env")
        open(empty, "w").close()
        rc2, _, err2 = compose_config(compose, repo, empty)
        report("without the passwords docker-compose refuses, naming .env",
               [] if rc2 != 0 and "MYSQL" in err2 and ".env" in err2 else [f"exit {rc2}: {err2.strip()[:300]}"])

        report("the stack, the Dockerfile and everything they name", check_all(repo, compose, dockerfile, env_file, a.dagrun))
        if a.binary:
            report("the runtime stage installs every shared library the binaries load",
                   check_runtime_libraries(dockerfile, a.binary))
            # ... and notices one left out.
            broken_df = os.path.join(tmp, "Dockerfile.nolib")
            original_df = open(dockerfile, encoding="utf-8").read()
            open(broken_df, "w", encoding="utf-8").write(original_df.replace(" libstemmer0d", ""))
            found = check_runtime_libraries(broken_df, a.binary)
            report("the checker notices a runtime library left out",
                   [] if any("libstemmer0d" in f for f in found) else [f"expected a problem naming libstemmer0d, got {found}"])
        report("docker-compose.local-data.yml mounts ONET_DATA_DIR read-only where ONET_SOURCE points",
               check_local_data(repo, tmp, os.path.join(repo, ".env.example")))

        # The checker itself fails on broken copies (written next to the originals' content, read
        # with the repository as the project folder).
        original = open(compose, encoding="utf-8").read()
        original_df = open(dockerfile, encoding="utf-8").read()
        breakages = [
            ("a pipeline that does not exist", "compose", "pipelines/full.yaml", "pipelines/no-such.yaml", "no such file"),
            ("a command the image does not have", "compose", '["skillgap-api",', '["skillgap-apy",', "does not install"),
            ("no healthcheck on /readyz", "compose", "/readyz", "/healthz", "/readyz"),
            ("a slow api healthcheck", "compose", "interval: 2s\n      timeout: 2s", "interval: 30s\n      timeout: 2s", "interval 30s"),
            ("api not waiting for the etl", "compose", "service_completed_successfully", "service_started", "completed successfully"),
            ("mysql not 8.0", "compose", "image: mysql:8.0", "image: mysql:5.7", "mysql:8.0"),
            ("a COPY source that does not exist", "dockerfile", "COPY schema/ schema/", "COPY schemas/ schema/", "COPY schemas/"),
            ("a script that does not exist", "dockerfile", "scripts/build.sh", "scripts/make.sh", "scripts/make.sh"),
            ("a binary copied from the wrong folder", "dockerfile", "build/api/skillgap-api", "build/skillgap-api", "skillgap-api"),
            ("a pipeline left out of the image", "dockerfile", "COPY pipelines/ pipelines/", "COPY schema/ pipelines-not/", "does not copy"),
        ]
        for label, which, old, new, expect in breakages:
            src = original if which == "compose" else original_df
            if old not in src:
                report(f"the checker notices {label}", [f"the original no longer contains {old!r}; update this case"])
                continue
            c_path, d_path = compose, dockerfile
            if which == "compose":
                c_path = os.path.join(tmp, "docker-compose.yml")
                open(c_path, "w", encoding="utf-8").write(src.replace(old, new))
            else:
                d_path = os.path.join(tmp, "Dockerfile")
                open(d_path, "w", encoding="utf-8").write(src.replace(old, new))
            found = check_all(repo, c_path, d_path, env_file, None)
            ok = any(expect in p for p in found)
            report(f"the checker notices {label}", [] if ok else [f"expected a problem mentioning {expect!r}, got {found}"])

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
