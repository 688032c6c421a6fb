#pragma once

#include "app/desktop/source_loader.h"

#include <QFutureWatcher>
#include <QMainWindow>
#include <QStringList>

class QLabel;
class QListWidget;
class QProgressBar;

namespace parkatlas::desktop {

class LayersPanel;
class MapCanvas;

/// The viewer's window: the map canvas in the middle, the layers on the left, messages (layers
/// left out, bad features, render errors) below, and the cursor position and scale in the status
/// bar. Sources are read on a worker (QtConcurrent); the GUI thread only shows the result.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Reads `sources` (files, folders, connection strings) on a worker and shows them as a new
    /// map, replacing the current one; a load still running is cancelled. Returns at once.
    void openSources(const QStringList& sources);
    bool isLoading() const;

    MapCanvas* canvas() const { return m_canvas; }
    LayersPanel* layersPanel() const { return m_layersPanel; }
    /// Every message shown in the messages panel since the last load began.
    QStringList messages() const;
    /// Problems of the last load (sources and layers left out), as geo::Error texts.
    const LoadReport& lastLoad() const { return m_lastLoad; }

signals:
    /// A load ended (successfully or not) and its layers, if any, are in the canvas.
    void loadFinished();
    /// A load ended and the map shows its first finished render (or there is nothing to draw):
    /// what a screenshot or a test waits for.
    void ready();

private:
    void createActions();
    void openFilesDialog();
    void openFolderDialog();
    void onLoadFinished();
    void showCursorPosition(QPointF mapPoint);
    void showScale();
    void addMessage(const QString& text);

    MapCanvas* m_canvas;
    LayersPanel* m_layersPanel;
    QListWidget* m_messageList;
    QLabel* m_coordinatesLabel;
    QLabel* m_scaleLabel;
    QProgressBar* m_progressBar;
    QFutureWatcher<LoadReport> m_loadWatcher;
    QStringList m_loadingSources;
    LoadReport m_lastLoad;
    bool m_waitingForFirstRender = false;
};

} // namespace parkatlas::desktop
