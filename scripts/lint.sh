#!/usr/bin/env bash
# The tree's habits, checked (issue 10 §7): clang-format (.clang-format) over every C++ file
# in git, then clang-tidy (.clang-tidy) over every translation unit of engine/, nodes/, api/,
# common/ and engine/cli, from the build's compile_commands.json. Any formatting difference, or
# a clang-tidy finding not in .clang-tidy-baseline, fails (exit 1). Part of the test command (scripts/test.sh), after the normal build.
#   scripts/lint.sh [BUILD_DIR]      (default: build; configures it when compile_commands.json is missing)
#   scripts/lint.sh --fix            applies clang-format in place (clang-tidy is not auto-fixed)
#   LINT_SKIP_TIDY=1                 the format check only (seconds, not minutes)
#   LINT_UPDATE_BASELINE=1           rewrite .clang-tidy-baseline from this run's findings
set -euo pipefail
cd "$(dirname "$0")/.."
FIX=0
if [[ ${1:-} == --fix ]]; then FIX=1; shift; fi
BUILD=${1:-build}
command -v clang-format >/dev/null || { echo "lint: clang-format missing (scripts/deps.sh --test)"; exit 1; }

mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h')
status=0
if (( FIX )); then
  clang-format -i "${files[@]}"
  echo "lint: clang-format applied to ${#files[@]} files"
  exit 0
fi
echo "== lint: clang-format --dry-run over ${#files[@]} files"
if ! clang-format --dry-run --Werror "${files[@]}" 2>"$BUILD.format.log"; then
  grep -E '^[^ ].*: (error|warning):' "$BUILD.format.log" | cut -d: -f1 | sort -u | sed 's/^/   not formatted: /'
  echo "   (scripts/lint.sh --fix formats them; the first differences: $(head -c 600 "$BUILD.format.log"))"
  status=1
fi
rm -f "$BUILD.format.log"

if [[ ${LINT_SKIP_TIDY:-0} == 1 ]]; then exit $status; fi
command -v clang-tidy >/dev/null || { echo "lint: clang-tidy missing (scripts/deps.sh --test)"; exit 1; }
[[ -f $BUILD/compile_commands.json ]] || BUILD_DIR=$BUILD scripts/build.sh >/dev/null
mapfile -t tus < <(python3 - "$BUILD/compile_commands.json" <<'PY'
import json, os, sys
root = os.getcwd() + "/"
seen = set()
for c in json.load(open(sys.argv[1])):
    f = os.path.normpath(os.path.join(c["directory"], c["file"]))
    rel = f[len(root):] if f.startswith(root) else None
    if rel and rel.split("/")[0] in ("engine", "nodes", "api", "common") and rel not in seen:
        seen.add(rel)
        print(rel)
PY
)
echo "== lint: clang-tidy over ${#tus[@]} translation units ($(nproc) at a time)"
log=$(mktemp)
printf '%s\n' "${tus[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$BUILD" --quiet >"$log" 2>&1 || true
# Findings compared with the recorded baseline (.clang-tidy-baseline: the findings the tree had
# when the check set was chosen, as file, check and message without line numbers, so that edits
# elsewhere in a file do not disturb them). A finding not in it (or more of one than recorded)
# fails; one fixed is reported, to be dropped from the baseline (--update-baseline rewrites it).
if ! python3 - "$log" .clang-tidy-baseline "${LINT_UPDATE_BASELINE:-0}" <<'PY'
import collections, os, re, sys
log, base_path, update = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
root = os.getcwd() + "/"
pat = re.compile(r"^(.+?):\d+:\d+: (?:error|warning): (.*) \[([\w.-]+)(?:,-warnings-as-errors)?\]$")
found, where = collections.Counter(), {}
for line in open(log, errors="replace"):
    m = pat.match(line.rstrip("\n"))
    if not m:
        continue
    f = m.group(1)[len(root):] if m.group(1).startswith(root) else m.group(1)
    key = f"{f}\t{m.group(3)}\t{m.group(2)}"
    found[key] += 1
    where.setdefault(key, line.strip().replace(root, ""))
# A header's finding is reported once per translation unit that includes it: count it once.
found = collections.Counter({k: (1 if k.split("\t")[0].endswith(".hpp") else v) for k, v in found.items()})
if update:
    with open(base_path, "w") as out:
        out.write("# clang-tidy findings accepted when the check set was chosen (scripts/lint.sh): file, check, message, count.\n")
        out.write("# New findings fail the lint; fix one and drop its line (LINT_UPDATE_BASELINE=1 scripts/lint.sh rewrites this file).\n")
        for k in sorted(found):
            out.write(f"{k}\t{found[k]}\n")
    print(f"   baseline rewritten: {sum(found.values())} findings")
    sys.exit(0)
base = collections.Counter()
if os.path.exists(base_path):
    for line in open(base_path):
        if line.startswith("#") or not line.strip():
            continue
        *k, n = line.rstrip("\n").split("\t")
        base["\t".join(k)] = int(n)
new = {k: found[k] - base.get(k, 0) for k in found if found[k] > base.get(k, 0)}
gone = {k: base[k] - found.get(k, 0) for k in base if base[k] > found.get(k, 0)}
for k, n in sorted(new.items()):
    print(f"   new: {where[k]}" + (f" (x{n})" if n > 1 else ""))
for k in sorted(gone):
    f, check, _ = k.split("\t", 2)
    print(f"   fixed (drop it from .clang-tidy-baseline): {f} [{check}]")
print(f"   {sum(found.values())} findings, {sum(base.values())} in the baseline, {sum(new.values())} new")
sys.exit(1 if new else 0)
PY
then
  status=1
fi
rm -f "$log"
(( status == 0 )) && echo "   no new findings"
exit $status
