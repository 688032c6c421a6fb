#include "app/desktop/main_window.h"

#include "app/desktop/layers_panel.h"
#include "app/desktop/map_canvas.h"
#include "app/render/layer_style.h"
#include "geo/issue.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPromise>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

namespace parkatlas::desktop {

namespace {

constexpr int kProgressSteps = 1000;

/// Polygons at the bottom, then lines, then points, each kind in the order it was read.
int drawingRank(geo::GeometryKind kind)
{
    switch (kind) {
    case geo::GeometryKind::Polygon:
        return 0;
    case geo::GeometryKind::Line:
        return 1;
    case geo::GeometryKind::Point:
        return 2;
    case geo::GeometryKind::None:
        return 3;
    }
    return 3;
}

QString sourceTitle(const QStringList& sources)
{
    QStringList names;
    for (const QString& source : sources) {
        const QFileInfo info(source);
        names.append(info.fileName().isEmpty() ? source : info.fileName());
    }
    return names.join(QStringLiteral(", "));
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_canvas(new MapCanvas(this)), m_layersPanel(new LayersPanel(this)),
      m_messageList(new QListWidget(this)), m_coordinatesLabel(new QLabel(this)),
      m_scaleLabel(new QLabel(this)), m_progressBar(new QProgressBar(this))
{
    setWindowTitle(tr("ParkAtlas"));
    setCentralWidget(m_canvas);
    m_canvas->setObjectName(QStringLiteral("mapCanvas"));

    auto* layersDock = new QDockWidget(tr("Layers"), this);
    layersDock->setObjectName(QStringLiteral("layersDock"));
    layersDock->setWidget(m_layersPanel);
    addDockWidget(Qt::LeftDockWidgetArea, layersDock);

    auto* messagesDock = new QDockWidget(tr("Messages"), this);
    messagesDock->setObjectName(QStringLiteral("messagesDock"));
    m_messageList->setObjectName(QStringLiteral("messageList"));
    m_messageList->setWordWrap(true);
    messagesDock->setWidget(m_messageList);
    addDockWidget(Qt::BottomDockWidgetArea, messagesDock);
    resizeDocks({layersDock}, {220}, Qt::Horizontal);
    resizeDocks({messagesDock}, {110}, Qt::Vertical);

    m_coordinatesLabel->setObjectName(QStringLiteral("coordinatesLabel"));
    m_scaleLabel->setObjectName(QStringLiteral("scaleLabel"));
    m_progressBar->setObjectName(QStringLiteral("loadProgress"));
    m_coordinatesLabel->setMinimumWidth(260);
    m_scaleLabel->setMinimumWidth(120);
    m_progressBar->setRange(0, kProgressSteps);
    m_progressBar->setMaximumWidth(180);
    m_progressBar->setVisible(false);
    statusBar()->addPermanentWidget(m_progressBar);
    statusBar()->addPermanentWidget(m_coordinatesLabel);
    statusBar()->addPermanentWidget(m_scaleLabel);

    createActions();

    connect(m_layersPanel, &LayersPanel::visibilityChanged, this, [this](int index, bool visible) {
        m_canvas->setLayerVisible(static_cast<std::size_t>(index), visible);
    });
    connect(m_canvas, &MapCanvas::cursorMoved, this, &MainWindow::showCursorPosition);
    connect(m_canvas, &MapCanvas::extentChanged, this, &MainWindow::showScale);
    connect(m_canvas, &MapCanvas::renderFinished, this, [this](const QStringList& errors) {
        for (const QString& error : errors)
            addMessage(tr("Drawing: %1").arg(error));
        if (m_waitingForFirstRender) {
            m_waitingForFirstRender = false;
            emit ready();
        }
    });

    connect(&m_loadWatcher, &QFutureWatcher<LoadReport>::progressValueChanged, m_progressBar,
            &QProgressBar::setValue);
    connect(&m_loadWatcher, &QFutureWatcher<LoadReport>::progressTextChanged, this,
            [this](const QString& step) {
                if (!step.isEmpty())
                    statusBar()->showMessage(tr("Reading %1…").arg(step));
            });
    connect(&m_loadWatcher, &QFutureWatcher<LoadReport>::finished, this,
            &MainWindow::onLoadFinished);
}

MainWindow::~MainWindow()
{
    // A load still running stops at its next progress report; nothing waits for it here
    // except the thread pool at exit.
    m_loadWatcher.cancel();
}

void MainWindow::createActions()
{
    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    QAction* openFiles = fileMenu->addAction(tr("&Open…"), this, &MainWindow::openFilesDialog);
    openFiles->setShortcut(QKeySequence::Open);
    fileMenu->addAction(tr("Open &Folder…"), this, &MainWindow::openFolderDialog);
    fileMenu->addSeparator();
    QAction* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    QAction* fullExtent =
        viewMenu->addAction(tr("&Full Extent"), m_canvas, &MapCanvas::zoomToFullExtent);
    fullExtent->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_F);
}

void MainWindow::openFilesDialog()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Open vector data"), QString(),
        tr("Vector data (*.gpkg *.shp *.geojson *.json *.dxf *.kml *.gml *.fgb *.sqlite *.tab "
           "*.mif *.zip);;All files (*)"));
    if (!files.isEmpty())
        openSources(files);
}

void MainWindow::openFolderDialog()
{
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Open a folder of shapefiles"));
    if (!folder.isEmpty())
        openSources({folder});
}

void MainWindow::openSources(const QStringList& sources)
{
    // A load still running is told to stop; setFuture() below stops watching it, so its
    // result never arrives here.
    m_loadWatcher.cancel();
    m_loadingSources = sources;
    m_messageList->clear();
    m_progressBar->setValue(0);
    m_progressBar->setVisible(true);
    statusBar()->showMessage(tr("Opening %1…").arg(sourceTitle(sources)));

    std::vector<std::string> paths;
    for (const QString& source : sources)
        paths.push_back(source.toStdString()); // UTF-8, as geo/ expects
    m_loadWatcher.setFuture(QtConcurrent::run(
        [](QPromise<LoadReport>& promise, const std::vector<std::string>& sources) {
            promise.setProgressRange(0, kProgressSteps);
            LoadReport report = loadSources(sources, [&](double share, const std::string& step) {
                promise.setProgressValueAndText(static_cast<int>(share * kProgressSteps),
                                                QString::fromStdString(step));
                return !promise.isCanceled();
            });
            promise.addResult(std::move(report));
        },
        std::move(paths)));
}

bool MainWindow::isLoading() const
{
    return m_loadWatcher.isRunning();
}

QStringList MainWindow::messages() const
{
    QStringList texts;
    for (int row = 0; row < m_messageList->count(); ++row)
        texts.append(m_messageList->item(row)->text());
    return texts;
}

void MainWindow::onLoadFinished()
{
    m_progressBar->setVisible(false);
    if (m_loadWatcher.isCanceled() || m_loadWatcher.future().resultCount() == 0) {
        statusBar()->showMessage(tr("Opening cancelled"), 5000);
        emit loadFinished();
        return;
    }
    m_lastLoad = m_loadWatcher.result();
    const LoadReport& report = m_lastLoad;

    // Styles: each layer the next colour of the palette, so neighbours differ.
    std::vector<std::shared_ptr<const geo::Layer>> layers = report.layers;
    std::stable_sort(layers.begin(), layers.end(), [](const auto& a, const auto& b) {
        return drawingRank(a->geometry.kind()) < drawingRank(b->geometry.kind());
    });
    std::vector<render::LayerSnapshot> snapshots;
    for (const auto& layer : layers)
        snapshots.push_back(
            {layer, render::LayerStyle::defaultFor(layer->geometry.kind(), snapshots.size())});
    m_layersPanel->setLayers(snapshots);
    m_canvas->setLayers(snapshots, report.mapCrs);
    m_canvas->setFocus(); // arrow keys, +/- and Home go to the map

    for (const std::string& problem : report.problems)
        addMessage(tr("Not loaded: %1").arg(QString::fromStdString(problem)));
    // A broken file can report an issue per feature; the panel shows the first few hundred.
    constexpr int kMaxIssueMessages = 300;
    int shown = 0;
    int notShown = 0;
    for (const geo::Issue& issue : report.issues) {
        if (issue.severity == geo::Issue::Severity::Note)
            continue;
        if (shown < kMaxIssueMessages) {
            addMessage(QString::fromStdString(geo::formatIssue(issue)));
            ++shown;
        } else {
            ++notShown;
        }
    }
    if (notShown > 0)
        addMessage(tr("… and %1 more issues").arg(notShown));
    if (report.rawCoordinates)
        addMessage(tr("No layer has a coordinate system: they are drawn in their raw "
                      "coordinates, and the scale is unknown."));

    setWindowTitle(tr("ParkAtlas — %1").arg(sourceTitle(m_loadingSources)));
    const QString crs =
        report.mapCrs.isEmpty() ? tr("no CRS") : QString::fromStdString(report.mapCrs.label());
    const int loaded = static_cast<int>(report.layers.size());
    const int skipped = static_cast<int>(report.problems.size());
    QString summary = tr("Layers loaded: %1; map CRS: %2").arg(loaded).arg(crs);
    if (skipped > 0)
        summary += tr("; not loaded: %1 (see Messages)").arg(skipped);
    statusBar()->showMessage(summary);
    showScale();

    if (loaded == 0 && skipped > 0) {
        // Nothing to show: say why in a box too. open() does not block the event loop.
        auto* box = new QMessageBox(
            QMessageBox::Warning, tr("Nothing could be opened"),
            tr("No layer of %1 could be loaded.").arg(sourceTitle(m_loadingSources)),
            QMessageBox::Ok, this);
        QStringList details;
        for (const std::string& problem : report.problems)
            details.append(QString::fromStdString(problem));
        box->setDetailedText(details.join(QLatin1Char('\n')));
        box->setInformativeText(details.value(0));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }

    m_waitingForFirstRender = loaded > 0;
    emit loadFinished();
    if (!m_waitingForFirstRender)
        emit ready();
}

void MainWindow::showCursorPosition(QPointF mapPoint)
{
    const geo::Crs& crs = m_canvas->crs();
    const int decimals = !crs.isEmpty() && crs.isGeographic() ? 6 : 2;
    m_coordinatesLabel->setText(
        tr("%1, %2 %3")
            .arg(mapPoint.x(), 0, 'f', decimals)
            .arg(mapPoint.y(), 0, 'f', decimals)
            .arg(crs.isEmpty() ? QString() : QString::fromStdString(crs.label())));
}

void MainWindow::showScale()
{
    const double denominator = m_canvas->scaleDenominator();
    if (denominator <= 0) {
        m_scaleLabel->setText(tr("Scale unknown"));
        return;
    }
    m_scaleLabel->setText(
        tr("1:%1").arg(QLocale().toString(static_cast<qlonglong>(std::llround(denominator)))));
}

void MainWindow::addMessage(const QString& text)
{
    auto* item = new QListWidgetItem(text, m_messageList);
    item->setToolTip(text);
}

} // namespace parkatlas::desktop
