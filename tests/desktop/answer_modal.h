// Answering the dialogs that the code under test opens, from the event loop.
#pragma once

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <memory>

namespace parkatlas::testing {

/// Offers the application's modal widget to `answer` every 20 ms until it returns true (it
/// answered) or `patienceMs` passes. The patience is long on purpose: on a loaded two-core CI
/// machine the code under test can take many seconds to reach its dialog, and a dialog nobody
/// answers hangs the test until ctest kills it.
inline void answerModal(std::function<bool(QWidget*)> answer, int patienceMs = 60000)
{
    auto* timer = new QTimer;
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    QObject::connect(timer, &QTimer::timeout, timer, [=] {
        QWidget* modal = QApplication::activeModalWidget();
        if ((modal && answer(modal)) || clock->hasExpired(patienceMs)) {
            timer->stop();
            timer->deleteLater();
        }
    });
    timer->start(20);
}

} // namespace parkatlas::testing
