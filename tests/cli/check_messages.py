#!/usr/bin/env python3
"""Every message id the code says has its Chinese in styles/messages.json (issue 23).

Walks geo/ and app/ for geo::message("ID", "English {part} …", {{"part", …}}) calls and fails
when an id has no "zh" template in the catalogue, when a Chinese template names a {part} that
neither the English template nor the call's parts give (it would then be said in English), or
when the catalogue is not valid JSON. Without the catalogue's Chinese the message is silently
said in English under a zh locale, which no other test would notice.

Usage: check_messages.py [SOURCE_ROOT]   (exit 0 when complete, 1 with what is missing)
"""

import json
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), "..", ".."))
ID = re.compile(r"^[a-z][a-z0-9_]*$")
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def call_text(source, start):
    """The text of the call whose '(' is at `start`, up to its matching ')' (strings, chars and
    comments skipped), or None when it does not close."""
    depth, i, n = 0, start, len(source)
    while i < n:
        c = source[i]
        if c == '"':
            i += 1
            while i < n and source[i] != '"':
                i += 2 if source[i] == "\\" else 1
        elif c == "'":
            i += 1
            while i < n and source[i] != "'":
                i += 2 if source[i] == "\\" else 1
        elif source.startswith("//", i):
            i = source.find("\n", i)
            if i < 0:
                return None
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return source[start + 1:i]
        i += 1
    return None


def split_top(args):
    """The call's arguments at depth 0 (commas inside (), {}, [] and strings do not split)."""
    out, depth, current, i = [], 0, [], 0
    while i < len(args):
        c = args[i]
        if c == '"':
            j = i + 1
            while j < len(args) and args[j] != '"':
                j += 2 if args[j] == "\\" else 1
            current.append(args[i:j + 1])
            i = j + 1
            continue
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        if c == "," and depth == 0:
            out.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    out.append("".join(current))
    return out


def calls(root):
    """(file, line, ids, english template, the call's text) of every message(…) call."""
    for folder in ("geo", "app"):
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for name in files:
                if not name.endswith((".cpp", ".h")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    source = f.read()
                for match in re.finditer(r"(?<![A-Za-z0-9_])message\(", source):
                    text = call_text(source, match.end() - 1)
                    if text is None:
                        continue
                    args = split_top(text)
                    if len(args) < 2:
                        continue
                    ids = [s for s in STRING.findall(args[0]) if ID.match(s)]
                    if not ids:
                        continue  # a declaration, or an id made at run time
                    english = "".join(STRING.findall(args[1]))
                    line = source.count("\n", 0, match.start()) + 1
                    yield os.path.relpath(path, root), line, ids, english, text


def main():
    catalogue_path = os.path.join(ROOT, "styles", "messages.json")
    try:
        with open(catalogue_path, encoding="utf-8") as f:
            catalogue = json.load(f)["messages"]
    except (OSError, ValueError, KeyError) as error:
        print("FAIL: %s cannot be read: %s" % (catalogue_path, error))
        return 1
    problems, seen = [], set()
    for path, line, ids, english, text in calls(ROOT):
        # A message's parts: the English template's, and those the call names ({"part", …}).
        given = set(PLACEHOLDER.findall(english)) | set(re.findall(r'\{\s*"([a-z_.]+)"\s*,', text))
        for message_id in ids:
            seen.add(message_id)
            entry = catalogue.get(message_id)
            zh = entry.get("zh") if isinstance(entry, dict) else None
            if not zh:
                problems.append("%s:%d: message id '%s' has no Chinese in styles/messages.json"
                                % (path, line, message_id))
                continue
            if not re.search(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]", zh):
                problems.append("%s:%d: the Chinese of '%s' has no Chinese text: %r"
                                % (path, line, message_id, zh))
            # Parts made by a helper (place(), here(), withNested …) are not in the call's text:
            # only a call that names its parts literally is held to them.
            if re.search(r"place\(|here\(|withNested|[pP]arts\b", text):
                continue
            missing = [p for p in PLACEHOLDER.findall(zh) if p not in given]
            if missing:
                problems.append("%s:%d: the Chinese of '%s' names %s, which the message does not "
                                "give (it would be said in English)"
                                % (path, line, message_id, ", ".join("{%s}" % p for p in missing)))
    for problem in problems:
        print("FAIL: " + problem)
    if len(seen) < 100:
        print("FAIL: only %d message ids found in geo/ and app/: is %s the source tree?"
              % (len(seen), ROOT))
        return 1
    print("%d message ids in the code, %d in the catalogue, %d problem(s)"
          % (len(seen), len(catalogue), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
