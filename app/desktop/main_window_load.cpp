// MainWindow: opening and reading sources into the map (on a worker), and what the window says
// when they are read: messages, status, title, the CRSs still to ask for.
#include "app/desktop/main_window.h"

#include "app/desktop/attribute_table_panel.h"
#include "app/desktop/feature_selection.h"
#include "app/desktop/identify_panel.h"
#include "app/desktop/import_dialog.h"
#include "app/desktop/interaction_bench.h"
#include "app/desktop/layers_panel.h"
#include "app/desktop/map_canvas.h"
#include "app/desktop/recent_files.h"
#include "app/desktop/translation.h"
#include "geo/crs/ballpark.h"
#include "geo/issue.h"
#include "geo/model/issue_text.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPromise>
#include <QSemaphore>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>

namespace parkatlas::desktop {

namespace {

// How long the full read of a big layer waits for the picture of its early geometry.
constexpr int kEarlyPictureWaitMs = 5000;

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

void MainWindow::importParkDialog()
{
    auto* dialog = new ImportDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ImportDialog::openParkRequested, this,
            [this](const QString& park) { openSources({park}); });
    dialog->show();
}

QString MainWindow::sourceFilter()
{
    return tr("Vector data and orthophotos (*.gpkg *.shp *.geojson *.json *.dxf *.kml *.gml *.fgb "
           "*.sqlite *.tab *.mif *.zip *.tif *.tiff *.jp2 *.vrt);;All files (*)");
}

void MainWindow::openFilesDialog()
{
    const QStringList files =
        QFileDialog::getOpenFileNames(this, tr("Open vector data"), QString(), sourceFilter());
    if (!files.isEmpty())
        openSources(files);
}

void MainWindow::addFilesDialog()
{
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Add layers to the map"),
                                                            QString(), sourceFilter());
    if (!files.isEmpty())
        addSources(files);
}

void MainWindow::addSources(const QStringList& sources)
{
    QStringList all = m_openSources;
    for (const QString& source : sources)
        if (!all.contains(source))
            all.append(source);
    startLoad(all, !m_openSources.isEmpty());
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
    // Another map: the CRS choices of this one do not apply (those saved stay in its project).
    m_sessionOverrides.clear();
    startLoad(sources, false);
}

void MainWindow::reloadKeepingView()
{
    addSources({});
}

void MainWindow::startLoad(const QStringList& sources, bool keepView)
{
    m_keepView.reset();
    if (keepView)
        m_keepView.emplace(m_canvas->extent(), m_canvas->crs().label());
    m_crsQueue.clear();
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
    // A big layer's geometry is drawn as soon as it is read, while its attributes still are (a
    // new map only: a layer added to one keeps the map as it is until the load finishes).
    const quint64 generation = ++m_loadGeneration;
    std::function<void(std::vector<render::LayerSnapshot>, geo::Crs)> early;
    if (!keepView && !viewerFullDetailRequested())
        early = [this, generation](std::vector<render::LayerSnapshot> layers, geo::Crs crs) {
            // The full read waits (here, on the loading thread) until the early layer's picture
            // is on screen, or a few seconds: reading the attributes meanwhile would take a core
            // from the first picture's render, and that picture is what the user waits for.
            auto shown = std::make_shared<QSemaphore>();
            // From the loading thread to the window's; dropped if the window has gone.
            QMetaObject::invokeMethod(
                this,
                [this, generation, shown, layers = std::move(layers),
                 crs = std::move(crs)]() mutable {
                    if (generation != m_loadGeneration || !isLoading()) {
                        shown->release();
                        return;
                    }
                    connect(
                        m_canvas, &MapCanvas::pictureComplete, this, [shown] { shown->release(); },
                        Qt::SingleShotConnection);
                    // A window closed before that picture: the read goes on (and stops) at once.
                    connect(m_canvas, &QObject::destroyed, [shown] { shown->release(); });
                    m_canvas->setLayers(std::move(layers), std::move(crs));
                },
                Qt::QueuedConnection);
            shown->tryAcquire(1, kEarlyPictureWaitMs);
        };
    m_loadWatcher.setFuture(QtConcurrent::run(
        [early](QPromise<LoadedMap>& promise, const std::vector<std::string>& sources,
                const std::vector<ProjectLayer>& overrides) {
            promise.setProgressRange(0, kLoadProgressSteps);
            LoadedMap map = loadMap(
                sources,
                [&](double share, const std::string& step) {
                    promise.setProgressValueAndText(static_cast<int>(share * kLoadProgressSteps),
                                                    QString::fromStdString(step));
                    return !promise.isCanceled();
                },
                {}, overrides, early);
            promise.addResult(std::move(map));
        },
        std::move(paths), m_sessionOverrides));
}

bool MainWindow::isLoading() const
{
    return m_loadWatcher.isRunning();
}

void MainWindow::onLoadFinished()
{
    m_progressBar->setVisible(false);
    if (m_loadWatcher.isCanceled() || m_loadWatcher.future().resultCount() == 0) {
        statusBar()->showMessage(tr("Opening cancelled"), 5000);
        emit loadFinished();
        return;
    }
    LoadedMap map = m_loadWatcher.result();
    m_lastLoad = std::move(map.report);
    const LoadReport& report = m_lastLoad;

    // Styled by role on the worker, in drawing order (plan zones at the bottom, the boundary
    // outline on top).
    m_selection->clear();
    m_identifyPanel->clear();
    m_layersPanel->setLayers(map.layers);
    std::vector<std::shared_ptr<const geo::Layer>> layers;
    for (const render::LayerSnapshot& snapshot : map.layers)
        layers.push_back(snapshot.layer);
    m_attributePanel->setLayers(layers);
    // What each layer is and where it comes from, for the field mapping and the project file.
    m_styleBook = map.styleBook;
    m_projectPath = QString::fromStdString(report.projectPath);
    m_projectLayers.clear();
    for (std::size_t i = 0; i < report.layers.size(); ++i) {
        const geo::Layer& layer = *report.layers[i];
        ProjectLayer entry{{layer.sourcePath, layer.name},
                           i < report.openOptions.size() ? report.openOptions[i]
                                                         : geo::OpenOptions{},
                           {}};
        if (i < report.bindings.size() && report.bindings[i])
            entry.binding = *report.bindings[i];
        else
            entry.binding.role = render::roleOfLayer(layer);
        m_projectLayers[&layer] = std::move(entry);
    }
    m_canvas->setLayers(std::move(map.layers), report.mapCrs);
    if (m_keepView && m_keepView->second == report.mapCrs.label())
        m_canvas->setExtent(m_keepView->first);
    m_keepView.reset();
    m_openSources = m_loadingSources;
    // The analyses run on the park's session, made with the map (through the project file when
    // there is one, so its field mappings and CRSs reach them too; the map's layers in it).
    setAnalysisSession(map.session);
    if (!map.sessionError.empty())
        addMessage(tr("Not loaded: %1").arg(QString::fromStdString(map.sessionError)));
    m_canvas->setFocus(); // arrow keys, +/- and Home go to the map
    for (const std::string& problem : map.styleProblems)
        addMessage(tr("Styles: %1").arg(QString::fromStdString(problem)));

    for (const std::string& problem : report.problems)
        addMessage(tr("Not loaded: %1").arg(QString::fromStdString(problem)));
    // A broken file can report an issue per feature; the panel shows the first few hundred.
    constexpr int kMaxIssueMessages = 300;
    int shown = 0;
    int notShown = 0;
    for (const geo::Issue& issue : geo::distinctIssues(report.issues)) {
        if (issue.severity == geo::Issue::Severity::Note)
            continue;
        if (shown < kMaxIssueMessages) {
            addMessage(QString::fromStdString(geo::formatIssue(issue, uiLanguage())));
            ++shown;
        } else {
            ++notShown;
        }
    }
    if (notShown > 0)
        addMessage(tr("… and %1 more issues").arg(notShown));
    if (report.projectBeside)
        addMessage(tr("The roles, field mappings and coordinate systems saved in %1 are used.")
                       .arg(QDir::toNativeSeparators(m_projectPath)));
    for (const CrsNeeded& layer : report.crsNeeded) {
        const QString name = QString::fromStdString(
            layer.ref.layerName.empty() ? layer.ref.datasetPath : layer.ref.layerName);
        QString text = tr("%1 has no coordinate system and is not drawn yet: choose one in the "
                          "Set CRS dialog.")
                           .arg(name);
        if (layer.proposal)
            text += QLatin1Char(' ') + tr("Its eastings propose EPSG:%1 (CGCS2000, zone %2).")
                                           .arg(layer.proposal->epsgCgcs2000)
                                           .arg(layer.proposal->zone);
        addMessage(text);
    }
    m_crsQueue = report.crsNeeded;
    if (report.rawCoordinates)
        addMessage(tr("No layer has a coordinate system: they are drawn in their raw "
                      "coordinates, and the scale is unknown."));

    setWindowTitle(tr("ParkAtlas — %1").arg(sourceTitle(m_loadingSources)));
    const QString crs =
        report.mapCrs.isEmpty() ? tr("no CRS") : QString::fromStdString(report.mapCrs.label());
    const int loaded = static_cast<int>(report.layers.size() + report.rasters.size());
    const int skipped = static_cast<int>(report.problems.size() + report.crsNeeded.size());
    QString summary = tr("Layers loaded: %1; map CRS: %2").arg(loaded).arg(crs);
    if (skipped > 0)
        summary += tr("; not loaded: %1 (see Messages)").arg(skipped);
    // A layer moved between datums with no published shift (Xi'an 1980 into CGCS2000) is drawn
    // tens of metres off, and its areas and overlaps are approximate: said where the eye is too.
    int ballpark = 0;
    for (const geo::Issue& issue : geo::distinctIssues(report.issues))
        if (geo::isBallparkWarning(issue))
            ++ballpark;
    if (ballpark > 0)
        summary += tr("; %n layer(s) transformed approximately (ballpark: off by up to tens of "
                      "metres, see Messages)",
                      nullptr, ballpark);
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

    if (loaded > 0)
        m_recentFiles->add(m_loadingSources);
    m_waitingForFirstRender = loaded > 0;
    emit loadFinished();
    if (!m_waitingForFirstRender)
        emit ready();
    askForNextCrs();
}

void MainWindow::setEditedLayer(int index)
{
    const QString title = tr("ParkAtlas — %1").arg(sourceTitle(m_openSources));
    const auto& layers = m_canvas->layers();
    if (index >= 0 && static_cast<std::size_t>(index) < layers.size())
        setWindowTitle(title + tr(" — editing %1").arg(QString::fromStdString(
                                   layers[static_cast<std::size_t>(index)].snapshot.layer->name)));
    else
        setWindowTitle(title);
}

} // namespace parkatlas::desktop
