#!/usr/bin/env python3
"""Refreshes translations/parkatlas_zh_CN.ts from the sources, keeping every translation made.

    python3 translations/update.py [path/to/lupdate]

Runs lupdate over app/desktop, then gives each context the name tr() uses at run time: Qt 6.4's
lupdate does not follow C++17 nested namespaces (`namespace parkatlas::desktop {`) and records
"MainWindow" where QObject::tr looks up "parkatlas::desktop::MainWindow". Translations already
in the .ts are carried over by (class, source text); new texts are left unfinished and listed.
"""
import copy
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TS = os.path.join(ROOT, 'translations', 'parkatlas_zh_CN.ts')
NAMESPACE = 'parkatlas::desktop::'
PLAIN_CONTEXTS = {'main'}  # QApplication::translate("main", …)


def short(context):
    return context[len(NAMESPACE):] if context.startswith(NAMESPACE) else context


def main():
    lupdate = sys.argv[1] if len(sys.argv) > 1 else '/usr/lib/qt6/bin/lupdate'
    known = {}
    if os.path.exists(TS):
        for context in ET.parse(TS).getroot().iter('context'):
            name = short(context.find('name').text)
            for message in context.iter('message'):
                translation = message.find('translation')
                if translation.get('type') != 'unfinished':
                    known[(name, message.find('source').text)] = translation
    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, 'fresh.ts')
        subprocess.run([lupdate, '-silent', '-no-obsolete', '-locations', 'none',
                        '-target-language', 'zh_CN', os.path.join(ROOT, 'app', 'desktop'),
                        '-ts', fresh], check=True)
        tree = ET.parse(fresh)
    missing = []
    for context in tree.getroot().iter('context'):
        name_element = context.find('name')
        name = short(name_element.text)
        if name not in PLAIN_CONTEXTS:
            name_element.text = NAMESPACE + name
        for message in context.iter('message'):
            source = message.find('source').text
            old = known.get((name, source))
            if old is None:
                missing.append(f'{name}: {source!r}')
                continue
            message.remove(message.find('translation'))
            message.append(copy.deepcopy(old))
    ET.indent(tree, space='    ')
    with open(TS, 'wb') as out:
        out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(out, encoding='utf-8', xml_declaration=False)
        out.write(b'\n')
    for text in missing:
        print('untranslated:', text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
