#!/usr/bin/env python3
"""Man pages and the bash completion of `parkatlas`, made from its own --help at build time.

    from_help.py PARKATLAS OUT_DIR VERSION

writes OUT_DIR/man1/parkatlas.1.gz, OUT_DIR/man1/parkatlas-COMMAND.1.gz for every command the
overview lists, OUT_DIR/completion/parkatlas (bash) and OUT_DIR/stamp. The help texts are the
one source: a command or option added to the program is in the pages at the next build.
Output is reproducible (no dates, gzip without a timestamp).
"""

import gzip
import os
import re
import subprocess
import sys


def help_text(program, *args):
    result = subprocess.run([program, *args, "--help"], capture_output=True, text=True,
                            env=dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8"))
    text = result.stdout or result.stderr
    if not text.strip():
        sys.exit(f"from_help.py: '{program} {' '.join(args)} --help' printed nothing")
    return text


def parse_overview(text):
    """[(command, summary)] from the lines under 'commands:'."""
    commands, inside = [], False
    for line in text.splitlines():
        if line.strip() == "commands:":
            inside = True
            continue
        if inside:
            match = re.match(r"^  (\S+)\s+(.*)$", line)
            if not match:
                if commands:
                    break
                continue
            commands.append((match.group(1), match.group(2).strip()))
    return commands


def parse_command(text):
    """usage lines, description paragraphs and {section: [(term, description)]}."""
    blocks = text.rstrip("\n").split("\n\n")
    usage = blocks[0].splitlines() if blocks and blocks[0].startswith("usage:") else []
    description, sections = [], {}
    for block in blocks[1 if usage else 0:]:
        lines = block.splitlines()
        heading = lines[0].strip()
        if re.fullmatch(r"[a-z ]+:", heading) and len(lines) > 1:
            entries = []
            for line in lines[1:]:
                match = re.match(r"^  (\S.*?)(?:\s{2,}(.*))?$", line)
                if match and not line.startswith("    "):
                    entries.append([match.group(1).strip(), (match.group(2) or "").strip()])
                elif entries:
                    entries[-1][1] = (entries[-1][1] + " " + line.strip()).strip()
            sections[heading[:-1]] = entries
        else:
            description.append(" ".join(line.strip() for line in lines))
    return usage, description, sections


def roff(text):
    """Text safe in a roff line: backslashes and hyphens escaped, no leading control char."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def man_page(name, summary, version, usage, description, sections, see_also):
    lines = [f'.TH {roff(name.upper())} 1 "" "parkatlas {roff(version)}" "ParkAtlas"',
             ".SH NAME", f"{roff(name)} \\- {roff(summary)}"]
    if usage:
        lines += [".SH SYNOPSIS", ".nf"]
        lines += [roff(line.removeprefix("usage: ")) for line in usage]
        lines += [".fi"]
    if description:
        lines.append(".SH DESCRIPTION")
        for index, paragraph in enumerate(description):
            if index:
                lines.append(".PP")
            lines.append(roff(paragraph))
    for heading, entries in sections.items():
        lines.append(f".SH {roff(heading.upper())}")
        for term, text in entries:
            lines += [".TP", f".B {roff(term)}", roff(text) if text else ""]
    if see_also:
        lines += [".SH SEE ALSO", ",\n".join(f".BR {page} (1)" for page in see_also)]
    return "\n".join(lines) + "\n"


def write_gzip(path, text):
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
            out.write(text.encode("utf-8"))


def completion(commands, options, values):
    """A bash completion: commands first, then each command's options, then files."""
    cases = []
    for command, _ in commands:
        words = " ".join(options.get(command, []))
        value_cases = "".join(
            f"            {option}) COMPREPLY=($(compgen -W '{' '.join(choices)}' -- \"$cur\"));"
            f" return ;;\n"
            for option, choices in sorted(values.get(command, {}).items()))
        cases.append(f"        {command})\n"
                     f"            case \"$prev\" in\n{value_cases}"
                     f"            esac\n"
                     f"            if [[ $cur == -* ]]; then\n"
                     f"                COMPREPLY=($(compgen -W '{words}' -- \"$cur\")); return\n"
                     f"            fi ;;\n")
    names = " ".join(command for command, _ in commands)
    return ("# bash completion for parkatlas, made from its --help (packaging/from_help.py)\n"
            "_parkatlas()\n{\n"
            "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
            "    if [[ $COMP_CWORD -eq 1 ]]; then\n"
            f"        COMPREPLY=($(compgen -W '{names} --help --version' -- \"$cur\")); return\n"
            "    fi\n"
            "    case \"${COMP_WORDS[1]}\" in\n" + "".join(cases) +
            "    esac\n"
            "    COMPREPLY=()\n}\n"
            "complete -o default -o bashdefault -F _parkatlas parkatlas\n")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    program, out, version = sys.argv[1:]
    overview = help_text(program)
    commands = parse_overview(overview)
    if not commands:
        sys.exit("from_help.py: no commands under 'commands:' in parkatlas --help")
    os.makedirs(os.path.join(out, "man1"), exist_ok=True)
    os.makedirs(os.path.join(out, "completion"), exist_ok=True)

    intro = [block.replace("\n", " ") for block in overview.strip().split("\n\n")
             if not block.startswith(("usage:", "commands:"))]
    sections = {"commands": [[f"parkatlas {c}", s + f" (see parkatlas\\-{c}(1))"]
                             for c, s in commands]}
    write_gzip(os.path.join(out, "man1", "parkatlas.1.gz"),
               man_page("parkatlas", "maps, areas in mu and audits for industrial parks",
                        version, ["usage: parkatlas COMMAND [ARGS]"], intro[1:], sections,
                        ["parkatlas-gui"] + [f"parkatlas-{c}" for c, _ in commands]))

    options, values = {}, {}
    for command, summary in commands:
        usage, description, sections = parse_command(help_text(program, command))
        write_gzip(os.path.join(out, "man1", f"parkatlas-{command}.1.gz"),
                   man_page(f"parkatlas-{command}", summary, version, usage, description,
                            sections, ["parkatlas"]))
        options[command] = sorted({term.split()[0] for term, _ in sections.get("options", [])
                                   if term.startswith("-")})
        values[command] = {option: choices.split("|") for option, choices in
                           re.findall(r"(--[a-z-]+) ([a-z0-9]+(?:\|[a-z0-9]+)+)",
                                      " ".join(usage))}
    with open(os.path.join(out, "completion", "parkatlas"), "w", encoding="utf-8") as file:
        file.write(completion(commands, options, values))
    with open(os.path.join(out, "stamp"), "w", encoding="utf-8") as file:
        file.write(version + "\n")


if __name__ == "__main__":
    main()
