#pragma once

#include "app/render/map_renderer.h"
#include "app/render/map_settings.h"
#include "geo/progress.h"

#include <QFutureWatcher>
#include <QObject>

#include <memory>

class QThreadPool;

namespace parkatlas::render {

/// One render of one MapSettings on a worker thread (QtConcurrent on renderThreadPool()), as
/// QGIS's map renderer jobs do. Lives on the thread that created it (the GUI thread), which
/// never waits for it: start() returns at once, cancel() only raises a flag that the worker reads
/// for every feature, and finished() arrives through the event loop.
///
/// The worker holds its own copies of the settings and of the cancel flag, so a job may be
/// deleted while it still runs: the worker then finishes (promptly, since deleting cancels) and
/// its image is dropped. One job renders once; make a new one for the next extent.
class RenderJob : public QObject {
    Q_OBJECT
public:
    explicit RenderJob(MapSettings settings, QObject* parent = nullptr);
    ~RenderJob() override;

    /// Starts the render on a worker. Calling it twice does nothing.
    void start();
    /// Asks the worker to stop; returns at once. finished() still comes, with cancelled set.
    void cancel();
    bool isActive() const;
    bool isCancelled() const;
    const MapSettings& settings() const { return m_settings; }

    /// Blocks the calling thread until the worker is done and returns its result (finished() is
    /// still emitted through the event loop). For tests and command-line use only: the GUI
    /// thread never calls it.
    RenderResult waitForResult();

signals:
    /// The render ended (finished, or stopped by cancel()); `result.image` is the output.
    void finished(const parkatlas::render::RenderResult& result);

private:
    MapSettings m_settings;
    geo::CancelFlag m_cancel;
    QFutureWatcher<RenderResult> m_watcher;
    bool m_started = false;
};

/// The pool render jobs run on: separate from QThreadPool::globalInstance() so that a long load
/// or analysis on the global pool never holds up drawing.
QThreadPool& renderThreadPool();

} // namespace parkatlas::render
