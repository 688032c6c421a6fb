#!/usr/bin/env python3
"""Adds the tr() texts of the sources that translations/parkatlas_zh_CN.ts lacks, and checks it.

    python3 translations/update.py [--lupdate PATH]          add new texts (unfinished)
    python3 translations/update.py --check [--lupdate PATH]  exit 1 when a text has no Chinese

Runs lupdate over app/desktop into a scratch file and compares it with the committed .ts by
(context, source text). The committed file is the reference and is edited as text, never
re-serialised: its order, its layout and every translation in it stay as they are. A text the
sources have and the .ts lacks is added, unfinished, at the end of its context (a new context
at the end of the file); the file is not written when nothing is new. A text the .ts has and
the sources no longer use is kept and listed ("no longer in the sources"): remove it by hand.

Qt 6.4's lupdate does not follow C++17 nested namespaces (`namespace parkatlas::desktop {`) and
records "MainWindow" where QObject::tr looks up "parkatlas::desktop::MainWindow": contexts are
compared without that prefix, and new ones get it.

--check (the ctest translations.complete) changes nothing: it fails when a text of the sources
is missing from the .ts, or its translation is unfinished or empty, or has no Chinese character where the
source has an English word (file patterns, format names and %1 need none).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TS = os.path.join(ROOT, 'translations', 'parkatlas_zh_CN.ts')
NAMESPACE = 'parkatlas::desktop::'
PLAIN_CONTEXTS = {'main'}  # QApplication::translate("main", …)
HAN = re.compile('[\u3400-\u9fff\uf900-\ufaff]')
# Words a translation may keep as they are: names of formats, codes and units.
NEUTRAL_WORDS = {'GeoPackage', 'CSV', 'UTF', 'JSON', 'EPSG', 'dpi', 'fid', 'PDF', 'PNG', 'SVG',
                 'XLSX', 'GDAL', 'PROJ', 'CGCS', 'VCT', 'DXF', 'DWG', 'WKT', 'SQL'}


def needs_chinese(source):
    """Whether a text has an English word (not a file name, code or format) to translate."""
    words = re.findall(r'[A-Za-z]{2,}', re.sub(r'\S*\.\w+', ' ', source))
    return any(word not in NEUTRAL_WORDS for word in words)


def short(context):
    return context[len(NAMESPACE):] if context.startswith(NAMESPACE) else context


def full(context):
    return context if context in PLAIN_CONTEXTS else NAMESPACE + context


def xml_text(text):
    """A source text as lupdate writes it."""
    return escape(text, {'"': '&quot;', "'": '&apos;'})


def messages(path):
    """[(short context, source, translation element)] of a .ts, in file order."""
    found = []
    for context in ET.parse(path).getroot().iter('context'):
        name = short(context.find('name').text)
        for message in context.iter('message'):
            found.append((name, message.find('source').text or '', message.find('translation'),
                          message.get('numerus') == 'yes'))
    return found


def scan(lupdate, folder=os.path.join(ROOT, 'app', 'desktop')):
    """[(short context, source, translation, numerus)] of the tr() texts under `folder`: the
    context is the class whose member calls tr(), whatever file defines it."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, 'fresh.ts')
        subprocess.run([lupdate, '-silent', '-no-obsolete', '-locations', 'none',
                        '-target-language', 'zh_CN', folder,
                        '-ts', fresh], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        return messages(fresh)


def translated(source, translation):
    """Finished, not empty, and in Chinese where the source has words to translate."""
    if translation is None or translation.get('type') in ('unfinished', 'vanished', 'obsolete'):
        return False
    forms = translation.findall('numerusform') or [translation]
    return all(form.text and (HAN.search(form.text) or not needs_chinese(source))
               for form in forms)


def message_xml(source, numerus):
    attributes = ' numerus="yes"' if numerus else ''
    body = ('<translation type="unfinished"><numerusform></numerusform></translation>' if numerus
            else '<translation type="unfinished"></translation>')
    return (f'        <message{attributes}>\n'
            f'            <source>{xml_text(source)}</source>\n'
            f'            {body}\n'
            f'        </message>\n')


def add(text, new):
    """`text` (the .ts) with the messages `new` ([(context, source, numerus)]) added."""
    by_context = {}
    for context, source, numerus in new:
        by_context.setdefault(context, []).append(message_xml(source, numerus))
    for context, entries in by_context.items():
        # The context's own end: the first </context> after its name, however it is indented
        # (a context closed by "        </context>" must not send its new texts to the next
        # context's end, as it once sent LedgerPanel's to MainWindow's).
        name = re.escape(f'<name>{xml_text(full(context))}</name>')
        match = re.search(name + r'.*?^([ \t]*</context>)', text, re.S | re.M)
        if match:
            at = match.start(1)
            text = text[:at] + ''.join(entries) + text[at:]
        else:
            at = text.rindex('</TS>')
            block = (f'    <context>\n        <name>{xml_text(full(context))}</name>\n' +
                     ''.join(entries) + '    </context>\n')
            text = text[:at] + block + text[at:]
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true',
                        help='change nothing; fail when a text of the sources has no Chinese')
    parser.add_argument('--lupdate', default='/usr/lib/qt6/bin/lupdate')
    parser.add_argument('legacy_lupdate', nargs='?', help=argparse.SUPPRESS)
    args = parser.parse_args()
    lupdate = args.legacy_lupdate or args.lupdate

    committed = messages(TS)
    known = {(context, source): translation for context, source, translation, _ in committed}
    sources = scan(lupdate)
    in_sources = {(context, source) for context, source, _, _ in sources}

    new = []
    seen = set()
    for context, source, _, numerus in sources:
        if (context, source) not in known and (context, source) not in seen:
            seen.add((context, source))
            new.append((context, source, numerus))
    untranslated = [(c, s) for c, s, _, _ in sources
                    if (c, s) in known and not translated(s, known[(c, s)])]
    gone = [(c, s) for c, s, _, _ in committed if (c, s) not in in_sources]

    for context, source in gone:
        print(f'no longer in the sources: {context}: {source!r}')
    if args.check:
        for context, source, _ in new:
            print(f'missing from {os.path.relpath(TS, ROOT)}: {context}: {source!r}')
        for context, source in untranslated:
            print(f'no Chinese: {context}: {source!r}')
        problems = len(new) + len(untranslated)
        print(f'{len(sources)} texts in the sources, {problems} without Chinese')
        return 1 if problems else 0

    if new:
        with open(TS, encoding='utf-8') as f:
            text = f.read()
        with open(TS + '.tmp', 'w', encoding='utf-8', newline='') as f:
            f.write(add(text, new))
        os.replace(TS + '.tmp', TS)
    for context, source, _ in new:
        print(f'added, untranslated: {context}: {source!r}')
    for context, source in untranslated:
        print(f'untranslated: {context}: {source!r}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
