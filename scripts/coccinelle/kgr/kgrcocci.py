# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers shared by the kgr semantic patches."""
import os
import re
import subprocess


def report(pos, msg):
    """Print file:line:col: msg, the format scripts/cocci-check parses."""
    print("%s:%s:%s: %s" % (pos.file, pos.line, int(pos.column) + 1, msg), flush=True)


def exported(symvers):
    """The names a Module.symvers exports (its second column)."""
    names = set()
    with open(symvers) as f:
        for line in f:
            cols = line.split("\t")
            if len(cols) >= 4:
                names.add(cols[1])
    return names


def header_kinds(names, incdirs):
    """How the kernel headers under incdirs declare each of names.

    Returns {name: set of "macro", "inline", "extern"}: a name some header
    defines as a macro or a static inline function is never a link-time
    reference (whichever configuration branch is taken); "extern" is a
    prototype or an extern variable at file scope (column 0, the kernel's
    style: indented lines are struct members), which is one.
    """
    kinds = {n: set() for n in names}
    dirs = [d for d in incdirs if os.path.isdir(d)]
    if not names or not dirs:
        return kinds
    any_name = "|".join(re.escape(n) for n in sorted(names))
    hit = re.compile(r"\b(%s)\b" % any_name)
    macro = re.compile(r"^\s*#\s*define\s+(%s)\b" % any_name)
    inline = re.compile(r"\bstatic\s+(?:__always_inline|inline|__inline__|"
                        r"__inline)\b[^;{}()]*\b(%s)\s*\(" % any_name)
    extern = re.compile(r"^(?:extern\s+)?(?!static\b|return\b|typedef\b)"
                        r"[A-Za-z_][\w \t*]*?[\s*](%s)\s*[(\[;=]" % any_name)
    r = subprocess.run(["grep", "-rlwE", "--include=*.h", any_name] + dirs,
                       stdout=subprocess.PIPE, text=True)
    for path in r.stdout.split():
        try:
            with open(path, errors="replace") as f:
                lines = f.read().split("\n")
        except OSError:
            continue
        prev = ""
        for line in lines:
            if hit.search(line):
                m = macro.match(line)
                if m:
                    kinds[m.group(1)].add("macro")
                # a static inline's name may be on the line after its type
                for m in inline.finditer(prev + " " + line):
                    kinds[m.group(1)].add("inline")
                m = extern.match(line)
                if m:
                    kinds[m.group(1)].add("extern")
            prev = line
    return kinds
    dirs = [d for d in incdirs if os.path.isdir(d)]
    if not dirs:
        return kinds
    r = subprocess.run(["grep", "-rlwE", "--include=*.h",
                        "|".join(sorted(names))] + dirs,
                       stdout=subprocess.PIPE, text=True)
    for path in r.stdout.split():
        try:
            with open(path, errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        for n in names:
            if n not in text:
                continue
            q = re.escape(n)
            if re.search(r"^[ \t]*#[ \t]*define[ \t]+%s\b" % q, text, re.M):
                kinds[n].add("macro")
            if re.search(r"\bstatic\s+(?:__always_inline|inline|__inline__|__inline)\b[^;{}()]*?\b%s\s*\(" % q, text):
                kinds[n].add("inline")
            if re.search(r"^(?:extern\s+)?(?!static\b|return\b|#)[A-Za-z_][\w \t*]*[\s*]%s\s*(?:\([^;{]*\)|\[[^\]]*\])?(?:\s*__\w+(?:\([^)]*\))?)*\s*;" % q, text, re.M | re.S):
                kinds[n].add("extern")
    return kinds


def unexported(refs, defined, symvers, incdirs):
    """(position, name) of each direct reference to a non-exported symbol.

    refs: {file: {name: first position}}; defined: {file: names the file
    defines or hands to kgr's macros}. Upper-case names are macros and
    enum constants by the kernel's convention and are not looked up.
    """
    exports = exported(symvers)
    cands = {}
    for f in refs:
        cands[f] = {n: pos for n, pos in refs[f].items()
                    if n not in exports and n not in defined.get(f, set())
                    and not n.isupper() and n not in ("true", "false")}
    # One scan of the headers for the names of all files.
    kinds = header_kinds(set().union(*cands.values()), incdirs)
    found = [(pos, n) for f in cands for n, pos in cands[f].items()
             if kinds[n] == {"extern"}]
    found.sort(key=lambda e: (e[0].file, int(e[0].line), e[1]))
    return found
