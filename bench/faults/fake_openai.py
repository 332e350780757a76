#!/usr/bin/env python3
"""A fake OpenAI-compatible chat-completions server on loopback for bench/faults/llm_faults.sh
(standard library only; the C++ twin used by the tests is tests/nodes_llm/fake_llm_server).

  fake_openai.py PORT_FILE SKILLS_TXT SCHEDULE STATS_FILE

POST /v1/chat/completions: reads the occupation code ("Occupation code: X") and the element ids
("... element ids, and no other: a, b, c") from the prompt, like the C++ fake, and answers
levels raw = 0.8 x O*NET LV + 1.2 + noise (from SKILLS_TXT; a hash for unrated pairs), clamped
to 0..7, after 20 ms. SCHEDULE is JSON:
  {"phases": [[until_s, "429"|"500"|"garbage"|"ok"], ...],   time since the first request
   "always_500": [codes...],                                  these occupations never succeed
   "sporadic": 0.02}                                          afterwards: share of 500/garbage
"garbage" rotates through: a body that is not JSON, prose without JSON, JSON with out-of-range
levels and invented ids, and a cut-off answer (finish_reason "length").
The port is written to PORT_FILE once listening; GET /stats (and SIGTERM) write the counters
to STATS_FILE: calls, by answer kind, distinct occupations.
"""
import hashlib
import json
import random
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, skills_file, schedule_json, stats_file = sys.argv[1:5]
schedule = json.loads(schedule_json)
onet = {}
with open(skills_file, encoding="utf-8", errors="replace") as f:
    next(f)
    for line in f:
        c = line.rstrip("\r\n").split("\t")
        if len(c) > 4 and c[3] == "LV":
            onet[(c[0], c[1])] = float(c[4])

lock = threading.Lock()
stats = {"calls": 0, "ok": 0, "429": 0, "500": 0, "garbage": 0, "always_500": 0, "sporadic": 0, "codes": set()}
first = [None]
garbage_i = [0]
rng = random.Random(11)


def h(s):
    return int(hashlib.sha256(s.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def level(code, eid):
    v = onet.get((code, eid))
    raw = (0.8 * v + 1.2 if v is not None else 1.0 + 4.0 * h(code + eid)) + (h(eid + code) - 0.5) * 0.6
    return round(min(7.0, max(0.0, raw)), 2)


def dump_stats():
    with lock:
        s = dict(stats, codes=len(stats["codes"]))
    json.dump(s, open(stats_file, "w"))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body, headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        dump_stats()
        self.send(200, "{}")

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        user = body["messages"][-1]["content"]
        code = re.search(r"Occupation code: (\S+)", user).group(1)
        ids = [x.strip() for x in re.search(r"element ids, and no other: (.*)", user).group(1).split(",")]
        now = time.monotonic()
        with lock:
            if first[0] is None:
                first[0] = now
            t = now - first[0]
            stats["calls"] += 1
            stats["codes"].add(code)
            kind = "ok"
            for until, k in schedule.get("phases", []):
                if t < until:
                    kind = k
                    break
            if code in schedule.get("always_500", []):
                kind = "always_500"
            elif kind == "ok" and rng.random() < schedule.get("sporadic", 0):
                kind = "sporadic"
            stats[kind] += 1
            g = garbage_i[0]
            if kind == "garbage" or kind == "sporadic":
                garbage_i[0] += 1
        time.sleep(0.02)
        if kind == "429":
            return self.send(429, '{"error": {"message": "Rate limit reached", "type": "rate_limit"}}', [("Retry-After", "1")])
        if kind in ("500", "always_500") or (kind == "sporadic" and g % 2 == 0):
            return self.send(500, '{"error": {"message": "The server had an error", "type": "server_error"}}')
        items = [{"element_id": e, "level": level(code, e), "justification": "fake"} for e in ids]
        finish = "stop"
        if kind in ("garbage", "sporadic"):
            v = g % 4
            if v == 0:
                return self.send(200, "<html><body>upstream hiccup</body></html>")
            if v == 1:
                content = "Sure! The occupation needs strong skills in most areas."
            elif v == 2:
                for i, it in enumerate(items):
                    if i % 3 == 0:
                        it["level"] = 9.5
                    elif i % 3 == 1:
                        it["element_id"] = "9.Z.9." + str(i)
                content = json.dumps({"occupation_code": code, "skills": items})
            else:
                content = json.dumps({"occupation_code": code, "skills": items})[: 120]
                finish = "length"
        else:
            content = json.dumps({"occupation_code": code, "skills": items})
        self.send(200, json.dumps({
            "id": "fake", "object": "chat.completion", "model": body.get("model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
            "usage": {"prompt_tokens": len(user) // 4, "completion_tokens": len(content) // 4}}))


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True


def stop(*_):
    dump_stats()
    threading.Thread(target=server.shutdown).start()


signal.signal(signal.SIGTERM, stop)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
dump_stats()
