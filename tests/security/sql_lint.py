#!/usr/bin/env python3
"""SQL parameterization lint (tests/security; issue 7 "every SQL statement parameterized").

Scans C++ sources for SQL text built from runtime data instead of bound parameters:

  * a statement handed to a database API that is not a plain string literal: SOCI
    `session << X`, `session.prepare << X`, `session.once << X`, and the C APIs
    mysql_query / mysql_real_query / mysql_send_query / mysql_stmt_prepare / sqlite3_exec /
    sqlite3_prepare* -- X a variable, a concatenation, a function call;
  * SQL-looking string literals ("SELECT ...", "... WHERE ...") concatenated with `+` / `+=`
    to something that is not a literal, formatted with fmt::format / std::format / *printf, or
    streamed into a std::ostringstream.

Values must travel as bound parameters (`:name` + soci::use, `?` + MYSQL_BIND). Composition
that is not data (table names from a fixed compile-time list, generated `:v1, :v2` placeholder
lists, integers from the program's own configuration, a statement kept in a variable) is
allowed only where a marker comment says why, on the reported line or the line above it:

    // sql-lint: fixed identifiers (table name from kTables)

Usage: sql_lint.py PATH...   (directories are searched for *.cpp, *.hpp, *.cc, *.h)
       sql_lint.py --self-test SAMPLE   (findings must be exactly the lines ending in
                                          "// expect-finding")
Exit 0: clean; 1: findings (printed as file:line: reason); 2: usage.
"""
import os
import re
import sys

MARKER = re.compile(r"//\s*sql-lint:\s*\S")
SQL_LITERAL = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|UPSERT|MERGE|CREATE|DROP|ALTER|TRUNCATE|PRAGMA|WITH|"
    r"BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET|GRANT|LOCK|CALL|EXEC)\b"
    r"|\b(FROM|WHERE|VALUES|INTO|JOIN|ORDER BY|GROUP BY|LIMIT|ON CONFLICT|ON DUPLICATE KEY|RETURNING)\b")
SESSION_NAME = re.compile(r"^(s|s_|sql|sql_|session|session_|sess|db|db_|conn|conn_|\w*[Ss]ession\w*)$")
C_API = {"mysql_query": 1, "mysql_real_query": 1, "mysql_send_query": 1, "mysql_stmt_prepare": 1,
         "sqlite3_exec": 1, "sqlite3_prepare": 1, "sqlite3_prepare_v2": 1, "sqlite3_prepare_v3": 1}
FORMATTERS = {"format", "sprintf", "snprintf", "vformat", "format_to"}
EXTS = (".cpp", ".hpp", ".cc", ".h", ".cxx", ".hh")

TOKEN = re.compile(r"""
    (?P<raw>R"(?P<delim>[^()\\\s]{0,16})\((?P<rawbody>.*?)\)(?P=delim)")
  | (?P<str>(?:u8|u|U|L)?"(?:[^"\\\n]|\\.)*")
  | (?P<chr>'(?:[^'\\\n]|\\.)*')
  | (?P<lcomment>//[^\n]*)
  | (?P<bcomment>/\*.*?\*/)
  | (?P<pp>^[ \t]*\#[^\n]*(?:\\\n[^\n]*)*)
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<num>\d[\w.']*)
  | (?P<op><<=|>>=|<<|>>|->|::|\+\+|\+=|==|!=|<=|>=|&&|\|\||[-+*/%&|^!~<>=?:;,.(){}\[\]])
  | (?P<ws>\s+)
  | (?P<other>.)
""", re.S | re.M | re.X)


class Tok:
    __slots__ = ("kind", "text", "line", "value")

    def __init__(self, kind, text, line, value=None):
        self.kind, self.text, self.line, self.value = kind, text, line, value


def tokenize(src):
    toks, line = [], 1
    for m in TOKEN.finditer(src):
        kind = m.lastgroup
        text = m.group(0)
        if kind == "raw":
            toks.append(Tok("str", text, line, m.group("rawbody")))
        elif kind == "str":
            body = text[text.index('"') + 1:-1]
            toks.append(Tok("str", text, line, body))
        elif kind in ("ws", "lcomment", "bcomment", "pp"):
            pass
        elif kind == "rawbody" or kind == "delim":
            pass
        else:
            toks.append(Tok(kind, text, line))
        line += text.count("\n")
    return toks


def marked(lines, line, stmt_line=None):
    """A marker on the line, the line above, or (for a statement spread over several lines)
    on the statement's first line or the line above that."""
    cand = {line, line - 1}
    if stmt_line is not None:
        cand |= {stmt_line, stmt_line - 1}
    for n in sorted(cand):
        if 1 <= n <= len(lines) and MARKER.search(lines[n - 1]):
            return True
    return False


def expr_end(toks, i, stops=(",", ";", ")", "]", "}")):
    """Index one past the expression starting at i (stops at depth 0 on a stop token)."""
    depth = 0
    j = i
    while j < len(toks):
        t = toks[j].text
        if toks[j].kind == "op":
            if t in ("(", "[", "{"):
                depth += 1
            elif t in (")", "]", "}"):
                if depth == 0:
                    return j
                depth -= 1
            elif depth == 0 and t in stops:
                return j
        j += 1
    return j


def literal_only(expr):
    """A string literal, adjacent literals, such in parentheses, or `cond ? LIT : LIT` (a choice
    between two fixed statements)."""
    while len(expr) >= 2 and expr[0].text == "(" and expr_end(expr, 1) == len(expr) - 1:
        expr = expr[1:-1]
    # Top-level ternary: the condition is not part of the statement text.
    k = expr_end(expr, 0, stops=("?",))
    if k < len(expr) and expr[k].text == "?":
        rest = expr[k + 1:]
        m = expr_end(rest, 0, stops=(":",))
        if m < len(rest) and rest[m].text == ":":
            return literal_only(rest[:m]) and literal_only(rest[m + 1:])
        return False
    return bool(expr) and all(t.kind == "str" for t in expr)


def is_sql(tok):
    return tok.kind == "str" and bool(SQL_LITERAL.search(tok.value or ""))


def lint_file(path, findings):
    with open(path, encoding="utf-8", errors="replace") as f:
        src = f.read()
    lines = src.split("\n")
    toks = tokenize(src)
    reported = set()

    def chain_literal_only(i):
        """The `a << b << c` chain around toks[i] (to the statement's end) streams literals only."""
        end = expr_end(toks, i, stops=(";", ","))
        operands, cur, depth = [], [], 0
        for t in toks[i:end]:
            if t.kind == "op" and t.text in ("(", "[", "{"):
                depth += 1
            elif t.kind == "op" and t.text in (")", "]", "}"):
                depth -= 1
            if depth == 0 and t.kind == "op" and t.text == "<<":
                operands.append(cur)
                cur = []
            else:
                cur.append(t)
        operands.append(cur)
        return all(literal_only(o) or (len(o) == 1 and o[0].text in ("std", "endl", "\\n")) for o in operands if o)

    def stmt_start(i):
        k = i
        while k > 0 and not (toks[k - 1].kind == "op" and toks[k - 1].text in (";", "{", "}")):
            k -= 1
        return toks[k].line

    def report(line, reason, at=None):
        if line in reported or marked(lines, line, stmt_start(at) if at is not None else None):  # one finding per line is enough
            return
        reported.add(line)
        findings.append(f"{path}:{line}: {reason}")

    for i, t in enumerate(toks):
        # 1. Statements handed to SOCI: session << X, session.prepare << X, session.once << X.
        if t.kind == "op" and t.text == "<<" and i > 0:
            prev = toks[i - 1]
            if prev.kind == "ident" and (prev.text in ("prepare", "once") or SESSION_NAME.match(prev.text)):
                # `std::cout << x` has an ident `cout`; session names are matched exactly above.
                end = expr_end(toks, i + 1)
                expr = toks[i + 1:end]
                if expr and not literal_only(expr):
                    report(t.line, at=i, reason="SQL statement is not a string literal (" +
                           " ".join(x.text for x in expr)[:80] + "); bind values with :name + soci::use")
        # 2. C APIs taking SQL text.
        if t.kind == "ident" and t.text in C_API and i + 1 < len(toks) and toks[i + 1].text == "(":
            j = i + 2
            for _ in range(C_API[t.text]):
                j = expr_end(toks, j) + 1
            end = expr_end(toks, j)
            expr = toks[j:end]
            if expr and not literal_only(expr):
                report(t.line, at=i, reason=f"{t.text}() gets SQL that is not a string literal; use a prepared statement with bound values")
        # 3. SQL literals combined with something else.
        if is_sql(t):
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            prv = toks[i - 1] if i > 0 else None
            if nxt is not None and nxt.kind == "op" and nxt.text == "+":
                after = toks[i + 2] if i + 2 < len(toks) else None
                if after is None or after.kind != "str":
                    report(t.line, at=i, reason="SQL text concatenated with runtime data (+)")
            if prv is not None and prv.kind == "op" and prv.text in ("+", "+="):
                before = toks[i - 2] if i >= 2 else None
                if prv.text == "+=" or before is None or before.kind != "str":
                    report(t.line, at=i, reason="SQL text concatenated with runtime data (" + prv.text + ")")
            if prv is not None and prv.kind == "op" and prv.text == "<<":
                lhs = toks[i - 2] if i >= 2 else None
                if lhs is not None and not (lhs.kind == "ident" and (lhs.text in ("prepare", "once") or SESSION_NAME.match(lhs.text))) \
                        and not chain_literal_only(i):
                    # Streamed, together with data, into something that is not a session: an
                    # ostringstream being built.
                    report(t.line, at=i, reason="SQL text streamed into a string builder (<<)")
            # Inside fmt::format(...) / std::format / snprintf: walk back to the enclosing call.
            depth = 0
            for k in range(i - 1, max(-1, i - 40), -1):
                x = toks[k]
                if x.kind == "op" and x.text in (")", "]", "}"):
                    depth += 1
                elif x.kind == "op" and x.text in ("(", "[", "{"):
                    if depth == 0:
                        if k > 0 and toks[k - 1].kind == "ident" and toks[k - 1].text in FORMATTERS:
                            report(t.line, at=i, reason=f"SQL text built with {toks[k - 1].text}()")
                        break
                    depth -= 1
                elif x.kind == "op" and x.text == ";":
                    break


def self_test(path):
    """Findings on `path` must be exactly its lines ending in `// expect-finding`."""
    with open(path, encoding="utf-8") as f:
        want = {n for n, l in enumerate(f.read().split("\n"), 1) if l.rstrip().endswith("// expect-finding")}
    findings = []
    lint_file(path, findings)
    got = {int(x.split(":")[1]) for x in findings}
    for n in sorted(want - got):
        print(f"{path}:{n}: expected a finding, got none")
    for n in sorted(got - want):
        print(f"{path}:{n}: unexpected finding: " + next(x for x in findings if int(x.split(':')[1]) == n))
    print(f"sql_lint self-test: {len(want)} expected, {len(got)} found, {len(want & got)} matched", file=sys.stderr)
    return 0 if want == got and want else 1


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(argv[2])
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    files = []
    for p in argv[1:]:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not d.startswith("build"))
                files += [os.path.join(root, n) for n in sorted(names) if n.endswith(EXTS)]
        elif os.path.isfile(p):
            files.append(p)
        else:
            print(f"sql_lint: no such file or directory: {p}", file=sys.stderr)
            return 2
    findings = []
    for f in files:
        lint_file(f, findings)
    for line in findings:
        print(line)
    print(f"sql_lint: {len(files)} file(s), {len(findings)} finding(s)", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
