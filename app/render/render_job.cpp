#include "app/render/render_job.h"

#include <QCoreApplication>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace parkatlas::render {

QThreadPool& renderThreadPool()
{
    struct Pool {
        Pool()
        {
            pool.setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
            pool.setObjectName(QStringLiteral("parkatlas-render"));
            // A job is never waited for, so one may still run when the application ends (a
            // window closed mid-render: cancelled, but not yet at its first feature). Its painter
            // needs QtGui, which the application's destructor tears down: wait for the workers
            // first (the application calls its post routines before anything else). Without
            // this a test could crash on exit, and QtTest's crash handler then attach gdb for a
            // stack trace, which on a loaded machine looked like a hung test (OrientTest).
            qAddPostRoutine([] { renderThreadPool().waitForDone(); });
        }
        QThreadPool pool;
    };
    static Pool instance;
    return instance.pool;
}

RenderJob::RenderJob(MapSettings settings, QObject* parent)
    : QObject(parent), m_settings(std::move(settings))
{
    connect(&m_watcher, &QFutureWatcher<RenderResult>::finished, this, [this] {
        RenderResult result = m_watcher.result();
        result.cancelled = result.cancelled || m_cancel.isCancelled();
        emit finished(result);
    });
}

RenderJob::~RenderJob()
{
    // Never wait: the worker owns what it needs and its result is simply dropped.
    m_cancel.cancel();
}

void RenderJob::start()
{
    if (m_started)
        return;
    m_started = true;
    m_watcher.setFuture(QtConcurrent::run(
        &renderThreadPool(), [settings = m_settings, cancel = m_cancel]() -> RenderResult {
            return MapRenderer(settings).render(cancel);
        }));
}

void RenderJob::cancel()
{
    m_cancel.cancel();
}

bool RenderJob::isActive() const
{
    return m_started && !m_watcher.isFinished();
}

bool RenderJob::isCancelled() const
{
    return m_cancel.isCancelled();
}

RenderResult RenderJob::waitForResult()
{
    start();
    m_watcher.waitForFinished();
    RenderResult result = m_watcher.result();
    result.cancelled = result.cancelled || m_cancel.isCancelled();
    return result;
}

} // namespace parkatlas::render
