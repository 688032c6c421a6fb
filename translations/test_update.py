#!/usr/bin/env python3
"""ctest translations.update: translations/update.py files a new tr() text under the class that
calls it, whatever file the class is in, at the end of that class's context however the .ts
indents its end, and leaves every existing entry where it was.

Usage: test_update.py LUPDATE   (exit 0 when it holds, 1 with what went wrong)
"""
import importlib.util
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('update', os.path.join(HERE, 'update.py'))
update = importlib.util.module_from_spec(spec)
spec.loader.exec_module(update)

TS = '''<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>parkatlas::desktop::LedgerPanel</name>
    <message>
        <source>Works</source>
        <translation>工程</translation>
    </message>
        </context>
    <context>
        <name>parkatlas::desktop::MainWindow</name>
        <message>
            <source>Open</source>
            <translation>打开</translation>
        </message>
    </context>
</TS>
'''

HEADER = '''#pragma once
#include <QWidget>
namespace parkatlas::desktop {
class LedgerPanel : public QWidget {
    Q_OBJECT
public:
    explicit LedgerPanel(QWidget* parent = nullptr);
};
class MainWindow : public QWidget {
    Q_OBJECT
public:
    MainWindow();
};
} // namespace parkatlas::desktop
'''

PANEL = '''#include "ledger_panel.h"
namespace parkatlas::desktop {
namespace {
int helper() { return 1; }
} // namespace
LedgerPanel::LedgerPanel(QWidget* parent) : QWidget(parent)
{
    setToolTip(tr("Standard-land contracts"));
}
} // namespace parkatlas::desktop
'''

WINDOW = '''#include "ledger_panel.h"
namespace parkatlas::desktop {
MainWindow::MainWindow() { setWindowTitle(tr("Open")); }
} // namespace parkatlas::desktop
'''


def main():
    problems = []
    lupdate = sys.argv[1] if len(sys.argv) > 1 else '/usr/lib/qt6/bin/lupdate'
    with tempfile.TemporaryDirectory() as folder:
        for name, text in (('ledger_panel.h', HEADER), ('ledger_panel.cpp', PANEL),
                           ('main_window.cpp', WINDOW)):
            with open(os.path.join(folder, name), 'w', encoding='utf-8') as f:
                f.write(text)
        found = {(c, s) for c, s, _, _ in update.scan(lupdate, folder)}
    if ('LedgerPanel', 'Standard-land contracts') not in found:
        problems.append('lupdate context of the panel text: %s' % sorted(found))
    out = update.add(TS, [('LedgerPanel', 'Standard-land contracts', False),
                          ('NewPanel', 'Hello', False)])
    ledger_end = out.index('</context>')
    at = out.find('Standard-land contracts')
    if not 0 < at < ledger_end:
        problems.append('the new text is not in LedgerPanel\'s context:\n' + out)
    if out.index('<name>parkatlas::desktop::NewPanel</name>') < out.index('MainWindow'):
        problems.append('a new context is not added at the end')
    # Nothing that was there moved: removing the added messages gives the file back.
    kept = out
    for source in ('Standard-land contracts', 'Hello'):
        block = update.message_xml(source, False)
        kept = kept.replace(block, '', 1)
    kept = kept.replace('    <context>\n        <name>parkatlas::desktop::NewPanel</name>\n'
                        '    </context>\n', '')
    if kept != TS:
        problems.append('existing entries changed')
    for problem in problems:
        print('FAIL:', problem)
    if not problems:
        print('OK: new texts filed under their class, at the end of its context')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
