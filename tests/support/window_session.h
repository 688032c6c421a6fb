#pragma once

// The main window as the desktop tests drive it: shown, the sources opened and drawn once, and
// a findings panel run to its end.

#include "app/desktop/findings_panel.h"
#include "app/desktop/main_window.h"
#include "app/desktop/map_canvas.h"

#include <QSignalSpy>
#include <QStringList>
#include <QTest>

#include <memory>

/// A shown window of `width` × `height` that has loaded `sources` and is ready; null when the
/// window was not exposed or the sources did not load within `timeoutMs`.
inline std::unique_ptr<parkatlas::desktop::MainWindow>
openMainWindow(const QStringList& sources, int width, int height, int timeoutMs)
{
    auto window = std::make_unique<parkatlas::desktop::MainWindow>();
    window->resize(width, height);
    window->canvas()->setRefreshDelay(10);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    QSignalSpy ready(window.get(), &parkatlas::desktop::MainWindow::ready);
    window->openSources(sources);
    if (!ready.wait(timeoutMs))
        return nullptr;
    return window;
}

/// Runs `panel` on the park its window opened; true when its findings came within `timeoutMs`.
inline bool runFindingsPanel(parkatlas::desktop::FindingsPanel* panel, int timeoutMs)
{
    QSignalSpy finished(panel, &parkatlas::desktop::FindingsPanel::runFinished);
    panel->run();
    return finished.wait(timeoutMs);
}
