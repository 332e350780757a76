#!/usr/bin/env python3
"""Consistency checker for bench/soak and bench/faults (standard library only).

  checker.py expect PORT PAIRS OUT.json
      GET /skill-gap for every pair (one "FROM TO" per line) and store, per pair, a digest of
      the answer's skill_gaps plus the load_run_id that answered: the expected answers of the
      dataset currently served.
  checker.py watch PORT PAIRS LOG STOPFILE [THREADS] [TIMEOUT_S]
      Until STOPFILE exists, THREADS loops GET /skill-gap over the pairs (Connection: close,
      TIMEOUT_S per request) and append one line per response to LOG:
      "epoch_s status load_run_id digest pair latency_ms" (status 0 = no answer / timeout).
  checker.py report LOG RUNS.tsv EXPECT_A.json EXPECT_B.json [WINDOWS.tsv]
      Classifies every logged response: the digest must equal the expected answer of the
      dataset (A or B) that RUNS.tsv ("run_id dataset" lines) names for its load_run_id. A
      response mixing two datasets, or of the wrong one, matches neither. WINDOWS.tsv
      ("start_s end_s" per reload: dagrun start to the server answering with the new run)
      counts the responses served while a reload was in progress. Prints one JSON object.
"""
import hashlib
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request


def digest(gaps):
    return hashlib.sha256(json.dumps(gaps, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]


def read_pairs(path):
    return [tuple(line.split()) for line in open(path) if line.strip()]


def fetch(port, a, b, timeout):
    url = f"http://127.0.0.1:{port}/skill-gap?from={a}&to={b}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        return e.code, None
    except Exception:
        return 0, None
    return status, json.loads(body)


def cmd_expect(port, pairs_file, out):
    exp = {}
    runs = set()
    for a, b in read_pairs(pairs_file):
        status, j = fetch(int(port), a, b, 30)
        if status != 200:
            sys.exit(f"checker: {a} -> {b} answered {status} while computing the expected answers")
        exp[f"{a} {b}"] = digest(j["result"]["skill_gaps"])
        runs.add(j["result"]["load_run_id"])
    if len(runs) != 1:
        sys.exit(f"checker: the dataset changed while computing the expected answers ({sorted(runs)})")
    json.dump({"load_run_id": runs.pop(), "answers": exp}, open(out, "w"))


def cmd_watch(port, pairs_file, log, stopfile, threads="2", timeout="10"):
    pairs = read_pairs(pairs_file)
    lock = threading.Lock()
    out = open(log, "a", buffering=1)

    def loop(t):
        i = t * 97
        while not os.path.exists(stopfile):
            a, b = pairs[i % len(pairs)]
            i += 1
            t0 = time.time()
            status, j = fetch(int(port), a, b, float(timeout))
            ms = (time.time() - t0) * 1000
            run, dg = 0, "-"
            if status == 200:
                run = j["result"]["load_run_id"]
                dg = digest(j["result"]["skill_gaps"])
            with lock:
                out.write(f"{t0:.3f} {status} {run} {dg} {a}|{b} {ms:.1f}\n")

    ts = [threading.Thread(target=loop, args=(t,)) for t in range(int(threads))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def cmd_report(log, runs_file, exp_a, exp_b, windows_file=None):
    expected = {"A": json.load(open(exp_a))["answers"], "B": json.load(open(exp_b))["answers"]}
    runs = {}
    for line in open(runs_file):
        if line.strip():
            rid, ds = line.split()[:2]
            runs[int(rid)] = ds
    windows = []
    if windows_file and os.path.exists(windows_file):
        windows = [tuple(map(float, l.split()[:2])) for l in open(windows_file) if l.strip()]
    r = {"responses": 0, "non200": 0, "no_answer": 0, "consistent": 0, "inconsistent": 0,
         "unknown_run": 0, "during_reloads": 0, "during_reloads_by_dataset": {"A": 0, "B": 0},
         "by_run": {}, "max_latency_ms": 0.0, "examples": []}
    for line in open(log):
        f = line.split()
        if len(f) < 6:
            continue
        ts, status, run, dg, pair, ms = float(f[0]), int(f[1]), int(f[2]), f[3], f[4].replace("|", " "), float(f[5])
        r["responses"] += 1
        r["max_latency_ms"] = max(r["max_latency_ms"], ms)
        if status == 0:
            r["no_answer"] += 1
            continue
        if status != 200:
            r["non200"] += 1
            continue
        ds = runs.get(run)
        r["by_run"][str(run)] = r["by_run"].get(str(run), 0) + 1
        if ds is None:
            r["unknown_run"] += 1
            continue
        if expected[ds].get(pair) == dg:
            r["consistent"] += 1
        else:
            r["inconsistent"] += 1
            if len(r["examples"]) < 5:
                r["examples"].append(line.strip())
        if any(s <= ts <= e for s, e in windows):
            r["during_reloads"] += 1
            r["during_reloads_by_dataset"][ds] += 1
    print(json.dumps(r))


if __name__ == "__main__":
    cmds = {"expect": cmd_expect, "watch": cmd_watch, "report": cmd_report}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])
