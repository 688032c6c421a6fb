#include "app/desktop/main_window.h"

#include "app/desktop/attribute_table_panel.h"
#include "app/desktop/audit_panel.h"
#include "app/desktop/changes_panel.h"
#include "app/desktop/bookmarks_dialog.h"
#include "app/desktop/crs_dialog.h"
#include "app/desktop/editing_ui.h"
#include "app/desktop/export_map_dialog.h"
#include "app/desktop/feature_selection.h"
#include "app/desktop/parcel_sheet_dialog.h"
#include "app/desktop/field_mapping_dialog.h"
#include "app/desktop/file_drop_filter.h"
#include "app/desktop/findings_panel.h"
#include "app/desktop/identify_panel.h"
#include "app/desktop/plot_timeline_source.h"
#include "app/desktop/import_dialog.h"
#include "app/desktop/layers_panel.h"
#include "app/desktop/ledger_locator.h"
#include "app/desktop/ledger_panel.h"
#include "app/desktop/locator_query.h"
#include "app/desktop/map_canvas.h"
#include "app/desktop/park_date_dialog.h"
#include "app/desktop/report_exporter.h"
#include "app/desktop/recent_files.h"
#include "app/desktop/translation.h"
#include "app/render/hit_test.h"
#include "app/render/layer_style.h"
#include "geo/crs/gauss_kruger.h"
#include "geo/crs/transform.h"
#include "geo/issue.h"
#include "geo/model/issue_text.h"
#include "geo/measure/units.h"
#include "geo/session/park_session.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QRegularExpression>
#include <QPromise>
#include <QStatusBar>
#include <QToolBar>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <tuple>

namespace parkatlas::desktop {

namespace {

constexpr int kProgressSteps = 1000;

constexpr double kIdentifyRadiusPx = 4.0; // how near a click must be to a line or point

/// True when the feature shows a fill (so a click inside it hits it); outline-only
/// polygons (a boundary) are hit on their outline only: what you see is what you click.
bool showsFill(const render::LayerSnapshot& snapshot, std::size_t feature)
{
    const render::Symbol& symbol = snapshot.style.symbolFor(feature);
    return symbol.fill.alpha() > 0 && symbol.fillPattern != Qt::NoBrush;
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
      m_identifyPanel(new IdentifyPanel(this)), m_attributePanel(new AttributeTablePanel(this)),
      m_selection(new FeatureSelection(this)), m_findingsPanel(new FindingsPanel(this)),
      m_auditPanel(new AuditPanel(this)), m_ledgerPanel(new LedgerPanel(this)),
      m_changesPanel(new ChangesPanel(this)),
      m_messageList(new QListWidget(this)), m_coordinatesLabel(new QLabel(this)),
      m_scaleBox(new QComboBox(this)), m_selectionLabel(new QLabel(this)),
      m_measureLabel(new QLabel(this)), m_progressBar(new QProgressBar(this))
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

    auto* identifyDock = new QDockWidget(tr("Identify"), this);
    identifyDock->setObjectName(QStringLiteral("identifyDock"));
    identifyDock->setWidget(m_identifyPanel);
    addDockWidget(Qt::RightDockWidgetArea, identifyDock);

    auto* tableDock = new QDockWidget(tr("Attribute Table"), this);
    tableDock->setObjectName(QStringLiteral("attributeTableDock"));
    tableDock->setWidget(m_attributePanel);
    addDockWidget(Qt::BottomDockWidgetArea, tableDock);
    tabifyDockWidget(messagesDock, tableDock);

    auto* findingsDock = new QDockWidget(tr("Plan Check"), this);
    findingsDock->setObjectName(QStringLiteral("findingsDock"));
    m_findingsPanel->setObjectName(QStringLiteral("findingsPanel"));
    findingsDock->setWidget(m_findingsPanel);
    addDockWidget(Qt::RightDockWidgetArea, findingsDock);
    auto* auditDock = new QDockWidget(tr("Idle Land Audit"), this);
    auditDock->setObjectName(QStringLiteral("auditDock"));
    m_auditPanel->setObjectName(QStringLiteral("auditPanel"));
    auditDock->setWidget(m_auditPanel);
    addDockWidget(Qt::RightDockWidgetArea, auditDock);
    tabifyDockWidget(identifyDock, findingsDock);
    tabifyDockWidget(findingsDock, auditDock);
    // The ledgers (台账) beside the audit, added once the others are tabbed: four docks stacked
    // for a moment would leave the right area as tall as all four.
    auto* ledgerDock = new QDockWidget(tr("Ledgers"), this);
    ledgerDock->setObjectName(QStringLiteral("ledgerDock"));
    m_ledgerPanel->setObjectName(QStringLiteral("ledgerPanel"));
    ledgerDock->setWidget(m_ledgerPanel);
    addDockWidget(Qt::RightDockWidgetArea, ledgerDock);
    tabifyDockWidget(auditDock, ledgerDock);
    // The changes between two dates or two parks (变化), beside the ledgers.
    auto* changesDock = new QDockWidget(tr("Changes"), this);
    changesDock->setObjectName(QStringLiteral("changesDock"));
    m_changesPanel->setObjectName(QStringLiteral("changesPanel"));
    changesDock->setWidget(m_changesPanel);
    addDockWidget(Qt::RightDockWidgetArea, changesDock);
    tabifyDockWidget(ledgerDock, changesDock);
    identifyDock->raise();
    messagesDock->raise();
    resizeDocks({layersDock, identifyDock}, {260, 280}, Qt::Horizontal);
    resizeDocks({messagesDock}, {150}, Qt::Vertical);

    m_coordinatesLabel->setObjectName(QStringLiteral("coordinatesLabel"));
    m_scaleBox->setObjectName(QStringLiteral("scaleBox"));
    m_scaleBox->setEditable(true);
    m_scaleBox->setInsertPolicy(QComboBox::NoInsert);
    m_scaleBox->setToolTip(tr("The map's scale: type one (1:2000) or pick one"));
    for (const int denominator : {500, 1000, 2000, 5000, 10000, 25000, 50000, 100000})
        m_scaleBox->addItem(QStringLiteral("1:%1").arg(denominator));
    m_progressBar->setObjectName(QStringLiteral("loadProgress"));
    m_coordinatesLabel->setMinimumWidth(260);
    m_scaleBox->setMinimumWidth(120);
    m_progressBar->setRange(0, kProgressSteps);
    m_progressBar->setMaximumWidth(180);
    m_progressBar->setVisible(false);
    m_selectionLabel->setObjectName(QStringLiteral("selectionLabel"));
    m_measureLabel->setObjectName(QStringLiteral("measureLabel"));
    m_measureLabel->setVisible(false);
    statusBar()->addPermanentWidget(m_measureLabel);
    statusBar()->addPermanentWidget(m_selectionLabel);
    statusBar()->addPermanentWidget(m_progressBar);
    statusBar()->addPermanentWidget(m_coordinatesLabel);
    statusBar()->addPermanentWidget(m_scaleBox);
    connect(m_scaleBox->lineEdit(), &QLineEdit::editingFinished, this,
            &MainWindow::applyTypedScale);
    connect(m_scaleBox, &QComboBox::activated, this, &MainWindow::applyTypedScale);

    createActions();

    // Layers panel: drawing order, opacity, zoom to layer; files dropped on the window open.
    connect(m_layersPanel, &LayersPanel::drawingOrderChanged, m_canvas,
            &MapCanvas::setDrawingOrder);
    connect(m_layersPanel, &LayersPanel::opacityChanged, this, [this](int index, double opacity) {
        m_canvas->setLayerOpacity(static_cast<std::size_t>(index), opacity);
    });
    connect(m_layersPanel, &LayersPanel::zoomToLayerRequested, this,
            [this](int index) { m_canvas->zoomToLayer(static_cast<std::size_t>(index)); });
    // Dropped files are added to the open map (an orthophoto goes under the park), as in QGIS.
    connect(new FileDropFilter(this), &FileDropFilter::filesDropped, this,
            &MainWindow::addSources);
    connect(m_layersPanel, &LayersPanel::crsRequested, this, &MainWindow::editLayerCrs);
    connect(m_layersPanel, &LayersPanel::fieldMappingRequested, this,
            &MainWindow::editFieldMapping);
    connect(this, &MainWindow::projectSaved, this,
            [this](const QString& path, const QString& error) {
                addMessage(error.isEmpty() ? tr("Field mapping saved in %1").arg(path)
                                           : tr("Field mapping not saved: %1").arg(error));
            });

    connect(m_layersPanel, &LayersPanel::visibilityChanged, this, [this](int index, bool visible) {
        m_canvas->setLayerVisible(static_cast<std::size_t>(index), visible);
    });
    connect(m_layersPanel, &LayersPanel::layerPicked, this, [this](int index) {
        if (index >= 0)
            m_attributePanel->showLayer(static_cast<std::size_t>(index));
    });
    connect(m_canvas, &MapCanvas::featureClicked, this, &MainWindow::identifyAt);
    connect(m_canvas, &MapCanvas::boxSelected, this, &MainWindow::selectInBox);
    connect(m_canvas, &MapCanvas::clearRequested, m_selection, &FeatureSelection::clear);
    connect(m_canvas->measureTool(), &MeasureTool::changed, this, &MainWindow::showMeasurement);
    connect(m_selection, &FeatureSelection::changed, this, &MainWindow::onSelectionChanged);
    connect(m_attributePanel, &AttributeTablePanel::selectionEdited, this,
            [this](std::size_t layer, const std::vector<std::uint32_t>& features) {
                m_selection->setLayerSelection(layer, features);
            });
    connect(m_attributePanel, &AttributeTablePanel::featureActivated, this,
            [this](std::size_t layer, std::size_t feature) {
                const auto& layers = m_canvas->layers();
                if (layer < layers.size())
                    zoomTo(layers[layer].snapshot.layer->geometry.envelope(feature));
            });
    for (FindingsPanel* panel : {m_findingsPanel, static_cast<FindingsPanel*>(m_auditPanel)}) {
        connect(panel, &FindingsPanel::overlayChanged, this, &MainWindow::updateOverlay);
        connect(panel, &FindingsPanel::zoomRequested, this, &MainWindow::zoomTo);
        connect(panel, &FindingsPanel::messagesReported, this, [this](const QStringList& texts) {
            for (const QString& text : texts)
                addMessage(text);
        });
    }
    connect(m_changesPanel, &ChangesPanel::overlayChanged, this, &MainWindow::updateOverlay);
    connect(m_changesPanel, &ChangesPanel::zoomRequested, this, &MainWindow::zoomTo);
    connect(m_changesPanel, &ChangesPanel::messagesReported, this,
            [this](const QStringList& texts) {
                for (const QString& text : texts)
                    addMessage(text);
            });
    connect(m_ledgerPanel, &LedgerPanel::rowClicked, this, &MainWindow::showLedgerRow);
    connect(m_ledgerPanel, &LedgerPanel::messagesReported, this, [this](const QStringList& texts) {
        for (const QString& text : texts)
            addMessage(text);
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

    connect(&m_loadWatcher, &QFutureWatcher<LoadedMap>::progressValueChanged, m_progressBar,
            &QProgressBar::setValue);
    connect(&m_loadWatcher, &QFutureWatcher<LoadedMap>::progressTextChanged, this,
            [this](const QString& step) {
                if (!step.isEmpty())
                    statusBar()->showMessage(tr("Reading %1…").arg(step));
            });
    connect(&m_loadWatcher, &QFutureWatcher<LoadedMap>::finished, this,
            &MainWindow::onLoadFinished);
    onSelectionChanged();
}

MainWindow::~MainWindow()
{
    // A load still running stops at its next progress report; nothing waits for it here
    // except the thread pool at exit.
    m_loadWatcher.cancel();
    m_canvas->setCanvasTool(nullptr); // the editing tools go with their owner
}

void MainWindow::importParkDialog()
{
    auto* dialog = new ImportDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ImportDialog::openParkRequested, this,
            [this](const QString& park) { openSources({park}); });
    dialog->show();
}

void MainWindow::createActions()
{
    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    QAction* openFiles = fileMenu->addAction(tr("&Open…"), this, &MainWindow::openFilesDialog);
    openFiles->setShortcut(QKeySequence::Open);
    fileMenu->addAction(tr("Open &Folder…"), this, &MainWindow::openFolderDialog);
    QAction* addFiles =
        fileMenu->addAction(tr("&Add Layers…"), this, &MainWindow::addFilesDialog);
    addFiles->setObjectName(QStringLiteral("addLayersAction"));
    addFiles->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    QAction* importPark =
        fileMenu->addAction(tr("&Import Park…"), this, &MainWindow::importParkDialog);
    importPark->setObjectName(QStringLiteral("importParkAction"));
    QMenu* recentMenu = fileMenu->addMenu(tr("Open &Recent"));
    recentMenu->setObjectName(QStringLiteral("recentFilesMenu"));
    m_recentFiles = new RecentFiles(recentMenu, this);
    connect(m_recentFiles, &RecentFiles::openRequested, this, &MainWindow::openSources);
    fileMenu->addSeparator();
    // Maps and the committee pack of the opened park (the ledger panel knows which one).
    QAction* exportMap = fileMenu->addAction(tr("Export &Map…"), this, [this] {
        auto* dialog = new ExportMapDialog(m_parkSession, m_canvas->extent(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });
    exportMap->setObjectName(QStringLiteral("exportMapAction"));
    QAction* exportReport = fileMenu->addAction(tr("Export &Report…"), this, [this] {
        ReportExporter::exportInteractively(this, m_parkSession, m_auditPanel->chosenAsOf());
    });
    exportReport->setObjectName(QStringLiteral("exportReportAction"));
    for (QAction* action : {exportMap, exportReport}) {
        action->setEnabled(false);
        connect(this, &MainWindow::loadFinished, action,
                [this, action] { action->setEnabled(!m_ledgerPanel->source().isEmpty()); });
    }
    fileMenu->addSeparator();
    QAction* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    QAction* fullExtent =
        viewMenu->addAction(tr("&Full Extent"), m_canvas, &MapCanvas::zoomToFullExtent);
    fullExtent->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_F);
    QAction* bookmarks = viewMenu->addAction(tr("&Bookmarks…"), this, &MainWindow::showBookmarks);
    bookmarks->setObjectName(QStringLiteral("bookmarksAction"));
    bookmarks->setShortcut(Qt::CTRL | Qt::Key_B);
    QAction* scaleBar = viewMenu->addAction(tr("&Scale Bar"));
    scaleBar->setObjectName(QStringLiteral("scaleBarAction"));
    QAction* northArrow = viewMenu->addAction(tr("&North Arrow"));
    northArrow->setObjectName(QStringLiteral("northArrowAction"));
    for (QAction* action : {scaleBar, northArrow}) {
        action->setCheckable(true);
        action->setChecked(true);
    }
    connect(scaleBar, &QAction::toggled, m_canvas, &MapCanvas::setScaleBarVisible);
    connect(northArrow, &QAction::toggled, m_canvas, &MapCanvas::setNorthArrowVisible);
    // The park as of a day, from the history it keeps: the sources named PARK@YYYY-MM-DD.
    QAction* asOf = viewMenu->addAction(tr("&As Of…"), this, [this] {
        if (const auto date = askParkDate(this, parkDateOf(m_openSources));
            date && !m_openSources.isEmpty())
            startLoad(withParkDate(m_openSources, *date), true);
    });
    asOf->setObjectName(QStringLiteral("asOfAction"));
    viewMenu->addSeparator();
    QMenu* languageMenu = viewMenu->addMenu(tr("&Language"));
    auto* languages = new QActionGroup(this);
    const QString current = languageSetting();
    const std::pair<QString, QString> choices[] = {
        {QStringLiteral("system"), tr("System Language")},
        {QStringLiteral("zh_CN"), QStringLiteral("中文（简体）")},
        {QStringLiteral("en"), QStringLiteral("English")}};
    for (const auto& [code, name] : choices) {
        QAction* action = languageMenu->addAction(name);
        action->setCheckable(true);
        action->setChecked(code == current);
        action->setData(code);
        languages->addAction(action);
        connect(action, &QAction::triggered, this, [this, code] { chooseLanguage(code); });
    }

    QMenu* toolsMenu = menuBar()->addMenu(tr("&Tools"));
    QToolBar* toolBar = addToolBar(tr("Tools"));
    toolBar->setObjectName(QStringLiteral("toolsToolBar"));
    QToolBar* findBar = addToolBar(tr("Find"));
    findBar->setObjectName(QStringLiteral("findToolBar"));
    m_locator = new QLineEdit(findBar);
    m_locator->setObjectName(QStringLiteral("locatorEdit"));
    m_locator->setClearButtonEnabled(true);
    m_locator->setPlaceholderText(tr("Find: plot number, owner, batch, road, or x, y / lon, lat"));
    m_locator->setMinimumWidth(280);
    findBar->addWidget(m_locator);
    connect(m_locator, &QLineEdit::returnPressed, this, [this] { locate(m_locator->text()); });
    QAction* findAction = toolsMenu->addAction(tr("&Find…"), this, [this] {
        m_locator->setFocus();
        m_locator->selectAll();
    });
    findAction->setShortcut(QKeySequence::Find);
    auto* tools = new QActionGroup(this);
    const std::tuple<MapCanvas::Tool, QString, QKeySequence, const char*> toolChoices[] = {
        {MapCanvas::Tool::Identify, tr("&Identify and Select"), QKeySequence(Qt::Key_I),
         "identifyTool"},
        {MapCanvas::Tool::MeasureDistance, tr("Measure &Distance"), QKeySequence(Qt::Key_D),
         "measureDistanceTool"},
        {MapCanvas::Tool::MeasureArea, tr("Measure &Area"), QKeySequence(Qt::Key_A),
         "measureAreaTool"}};
    for (const auto& [tool, name, shortcut, objectName] : toolChoices) {
        QAction* action = toolsMenu->addAction(name);
        action->setObjectName(QString::fromLatin1(objectName));
        action->setCheckable(true);
        action->setChecked(tool == MapCanvas::Tool::Identify);
        action->setShortcut(shortcut);
        tools->addAction(action);
        toolBar->addAction(action);
        connect(action, &QAction::triggered, this, [this, tool = tool] {
            m_canvas->setTool(tool);
            showMeasurement();
        });
    }
    toolsMenu->addSeparator();
    QAction* clearSelection =
        toolsMenu->addAction(tr("&Clear Selection"), m_selection, &FeatureSelection::clear);
    clearSelection->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_A);
    toolBar->addAction(clearSelection);
    new ParcelSheetLauncher(this, toolsMenu); // Parcel Sheet…, and the canvas's context menu

    // Editing: its own menu, its tools on the same toolbar.
    QMenu* editMenu = menuBar()->addMenu(tr("&Edit"));
    editMenu->setObjectName(QStringLiteral("editMenu"));
    m_editing = new EditingUi(this, m_canvas, m_selection, m_findingsPanel, editMenu, toolBar);
    connect(m_editing, &EditingUi::statusText, this, [this](const QString& text) {
        m_measureLabel->setText(text);
        m_measureLabel->setVisible(!text.isEmpty());
    });
    connect(m_editing, &EditingUi::editingChanged, this, [this, tools](bool editing) {
        // The identify and measure tools come back when editing ends.
        if (!editing)
            for (QAction* action : tools->actions())
                if (action->isChecked())
                    action->trigger();
    });
    // Picking a map tool leaves the editing tool.
    for (QAction* action : tools->actions())
        connect(action, &QAction::triggered, this,
                [this] { m_editing->setTool(EditingUi::Tool::None); });
}

QString MainWindow::parkSource() const
{
    return m_findingsPanel->source();
}

std::optional<geo::Role> MainWindow::roleOf(int index) const
{
    const auto& layers = m_canvas->layers();
    if (index < 0 || static_cast<std::size_t>(index) >= layers.size())
        return std::nullopt;
    const auto& snapshot = layers[static_cast<std::size_t>(index)].snapshot;
    if (const auto it = m_projectLayers.find(snapshot.layer.get()); it != m_projectLayers.end())
        return it->second.binding.role;
    return snapshot.role;
}

void MainWindow::replaceLayerData(int index, std::shared_ptr<const geo::Layer> layer)
{
    const auto& layers = m_canvas->layers();
    if (index < 0 || static_cast<std::size_t>(index) >= layers.size() || !layer)
        return;
    const geo::Layer* old = layers[static_cast<std::size_t>(index)].snapshot.layer.get();
    ProjectLayer entry;
    if (const auto it = m_projectLayers.find(old); it != m_projectLayers.end()) {
        entry = it->second;
        m_projectLayers.erase(it);
    } else {
        entry.ref = {layer->sourcePath, layer->name};
        entry.binding.role = layers[static_cast<std::size_t>(index)].snapshot.role;
    }
    const render::RoleStyleBook fallbackBook;
    const render::RoleStyleBook& book = m_styleBook ? *m_styleBook : fallbackBook;
    render::LayerSnapshot snapshot = book.snapshotFor(layer, entry.binding.role,
                                                      entry.binding.fieldMap,
                                                      static_cast<std::size_t>(index),
                                                      entry.binding.classification);
    snapshot.index = std::make_shared<const geo::EnvelopeIndex>(
        layer->geometry, [](std::size_t) { return true; });
    m_projectLayers[layer.get()] = std::move(entry);
    m_selection->setLayerSelection(static_cast<std::size_t>(index), {});
    m_layersPanel->updateLayer(index, snapshot);
    m_canvas->replaceLayer(static_cast<std::size_t>(index), std::move(snapshot));
    std::vector<std::shared_ptr<const geo::Layer>> all;
    for (const auto& canvasLayer : m_canvas->layers())
        all.push_back(canvasLayer.snapshot.layer);
    m_attributePanel->setLayers(all);
}

void MainWindow::reloadKeepingView()
{
    addSources({});
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

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_editing && !m_editing->maybeClose()) {
        event->ignore();
        return;
    }
    QMainWindow::closeEvent(event);
}

void MainWindow::chooseLanguage(const QString& language)
{
    setLanguageSetting(language);
    statusBar()->showMessage(tr("The language changes when ParkAtlas is started again."), 8000);
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
    m_loadWatcher.setFuture(QtConcurrent::run(
        [](QPromise<LoadedMap>& promise, const std::vector<std::string>& sources,
           const std::vector<ProjectLayer>& overrides) {
            promise.setProgressRange(0, kProgressSteps);
            LoadedMap map = loadMap(
                sources,
                [&](double share, const std::string& step) {
                    promise.setProgressValueAndText(static_cast<int>(share * kProgressSteps),
                                                    QString::fromStdString(step));
                    return !promise.isCanceled();
                },
                {}, overrides);
            promise.addResult(std::move(map));
        },
        std::move(paths), m_sessionOverrides));
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
    const QSignalBlocker blocker(m_scaleBox);
    m_scaleBox->setEnabled(denominator > 0);
    if (denominator <= 0) {
        m_scaleBox->setEditText(tr("Scale unknown"));
        return;
    }
    m_scaleBox->setEditText(
        tr("1:%1").arg(QLocale().toString(static_cast<qlonglong>(std::llround(denominator)))));
}

void MainWindow::applyTypedScale()
{
    const double current = m_canvas->scaleDenominator();
    if (current <= 0)
        return;
    // "1:2000", "1：2 000", "1:2,000" or "2000": the digits after the colon.
    QString text = m_scaleBox->currentText();
    text.replace(QChar(0xFF1A), QLatin1Char(':'));
    text = text.section(QLatin1Char(':'), -1);
    text.remove(QRegularExpression(QStringLiteral("[\\s,.\\x{00A0}\\x{2009}\\x{202F}']")));
    bool ok = false;
    const double wanted = text.toDouble(&ok);
    if (ok && wanted >= 1 && std::abs(wanted - current) > 1e-6 * current)
        m_canvas->zoomAt(current / wanted, QPointF(m_canvas->width() / 2.0, m_canvas->height() / 2.0));
    showScale();
}

void MainWindow::addMessage(const QString& text)
{
    auto* item = new QListWidgetItem(text, m_messageList);
    item->setToolTip(text);
}

int MainWindow::layerIndex(const QString& name) const
{
    const auto& layers = m_canvas->layers();
    for (std::size_t i = 0; i < layers.size(); ++i)
        if (QString::fromStdString(layers[i].snapshot.layer->name) == name)
            return static_cast<int>(i);
    return -1;
}

std::vector<std::size_t> MainWindow::selectionTargets() const
{
    const auto& layers = m_canvas->layers();
    const int picked = m_layersPanel->pickedLayer();
    if (picked >= 0 && static_cast<std::size_t>(picked) < layers.size())
        return {static_cast<std::size_t>(picked)};
    std::vector<std::size_t> targets;
    for (std::size_t i = 0; i < layers.size(); ++i)
        if (layers[i].visible)
            targets.push_back(i);
    return targets;
}

std::vector<std::pair<std::size_t, std::size_t>> MainWindow::hitsAt(QPointF mapPoint) const
{
    std::vector<std::pair<std::size_t, std::size_t>> hits;
    const auto& layers = m_canvas->layers();
    const double tolerance = kIdentifyRadiusPx * m_canvas->view().mapUnitsPerPixel();
    const std::vector<std::size_t>& order = m_canvas->drawingOrder();
    for (auto top = order.rbegin(); top != order.rend(); ++top) {
        const std::size_t layer = *top;
        if (!layers[layer].visible)
            continue;
        const render::LayerSnapshot& snapshot = layers[layer].snapshot;
        const geo::GeometryStore& store = snapshot.layer->geometry;
        // Only the features whose envelopes come near (the layer's R-tree), topmost (drawn
        // later) first.
        std::vector<std::uint32_t> candidates;
        if (snapshot.index) {
            snapshot.index->query(geo::Envelope{mapPoint.x() - tolerance, mapPoint.y() - tolerance,
                                                mapPoint.x() + tolerance, mapPoint.y() + tolerance},
                                  candidates);
            std::sort(candidates.begin(), candidates.end(), std::greater<>());
        } else {
            for (std::size_t feature = store.featureCount(); feature-- > 0;)
                candidates.push_back(static_cast<std::uint32_t>(feature));
        }
        for (const std::uint32_t feature : candidates) {
            // A filled polygon is hit inside it (not near it: that would be its neighbour's
            // plot); an outline-only one on its outline; lines and points within the radius.
            bool hit = false;
            if (store.kind() != geo::GeometryKind::Polygon)
                hit =
                    render::featureContains(store, feature, mapPoint.x(), mapPoint.y(), tolerance);
            else if (showsFill(snapshot, feature))
                hit = render::featureContains(store, feature, mapPoint.x(), mapPoint.y(), 0);
            else
                hit = render::featureOutlineNear(store, feature, mapPoint.x(), mapPoint.y(),
                                                 tolerance);
            if (hit)
                hits.emplace_back(layer, feature);
        }
    }
    return hits;
}

void MainWindow::identifyAt(QPointF mapPoint, Qt::KeyboardModifiers modifiers)
{
    const auto hits = hitsAt(mapPoint);
    const auto& layers = m_canvas->layers();
    const QString crs = QString::fromStdString(m_canvas->crs().label());
    std::vector<IdentifyResult> results;
    for (const auto& [layerIndex, feature] : hits) {
        const render::LayerSnapshot& snapshot = layers[layerIndex].snapshot;
        const geo::Layer& layer = *snapshot.layer;
        IdentifyResult result;
        result.layerIndex = layerIndex;
        result.feature = feature;
        result.fid = layer.fids[feature];
        result.layerName = QString::fromStdString(layer.name);
        if (snapshot.role)
            result.roleName =
                QStringLiteral("%1 %2").arg(QString::fromUtf8(geo::chineseName(*snapshot.role)),
                                            QString::fromUtf8(geo::toString(*snapshot.role)));
        result.crsLabel = crs;
        // Contract fields by their names in the user's language; the source's name as tooltip.
        std::vector<std::string> contractOf(layer.attributes.fields().size());
        if (snapshot.role) {
            const std::vector<int> resolved =
                geo::resolveContractFields(*snapshot.role, layer.attributes);
            const auto& contract = geo::contractFields(*snapshot.role);
            for (std::size_t c = 0; c < contract.size() && c < resolved.size(); ++c)
                if (resolved[c] >= 0)
                    contractOf[static_cast<std::size_t>(resolved[c])] = contract[c].name;
        }
        for (std::size_t field = 0; field < layer.attributes.fields().size(); ++field) {
            const std::string& name = layer.attributes.fields()[field].name;
            result.attributes.emplace_back(
                contractOf[field].empty()
                    ? QString::fromStdString(name)
                    : uiName(geo::NameGroup::Field, contractOf[field],
                             geo::toString(*snapshot.role)),
                QString::fromStdString(layer.attributes.text(feature, static_cast<int>(field))));
            result.attributeSources.append(QString::fromStdString(name));
        }
        result.measurement = measureFeature(layer, feature);
        const QDate parkDate = parkDateOf(m_openSources);
        const PlotTimeline timeline = plotTimelineOf(
            layers, layerIndex, feature,
            parkDate.isValid() ? parkDate.toString(Qt::ISODate).toStdString() : std::string());
        result.hasTimeline = timeline.applies;
        result.timeline = timeline.steps;
        result.timelineProblem = QString::fromStdString(timeline.problem);
        results.push_back(std::move(result));
    }
    m_identifyPanel->setResults(std::move(results));

    // Select the topmost feature among the selection's target layers.
    const std::vector<std::size_t> targets = selectionTargets();
    std::optional<std::pair<std::size_t, std::size_t>> top;
    for (const auto& hit : hits)
        if (std::find(targets.begin(), targets.end(), hit.first) != targets.end()) {
            top = hit;
            break;
        }
    if (modifiers & Qt::ControlModifier) {
        if (top)
            m_selection->toggle(top->first, static_cast<std::uint32_t>(top->second));
        return;
    }
    if (top)
        m_selection->setSelection({{top->first, {static_cast<std::uint32_t>(top->second)}}});
    else
        m_selection->clear();
}

void MainWindow::selectInBox(const geo::Envelope& box, Qt::KeyboardModifiers modifiers)
{
    // On a worker (a box over a whole city's plots is a million exact tests), through each
    // layer's R-tree; the GUI thread only takes the result. A newer box replaces this one.
    const auto& layers = m_canvas->layers();
    std::vector<std::pair<std::size_t, render::LayerSnapshot>> targets;
    for (const std::size_t layer : selectionTargets())
        if (layers[layer].visible && !layers[layer].snapshot.isRaster())
            targets.emplace_back(layer, layers[layer].snapshot);
    std::map<std::size_t, FeatureSelection::Features> kept;
    if (modifiers & Qt::ControlModifier)
        kept = m_selection->layers();
    m_boxSelectWatcher.cancel();
    m_boxSelectWatcher.disconnect(this);
    connect(&m_boxSelectWatcher, &QFutureWatcher<BoxSelection>::finished, this, [this] {
        if (m_boxSelectWatcher.isCanceled() || m_boxSelectWatcher.future().resultCount() == 0)
            return;
        m_selection->setSelection(m_boxSelectWatcher.result());
    });
    m_boxSelectWatcher.setFuture(QtConcurrent::run([targets, kept, box]() -> BoxSelection {
        BoxSelection selected = kept;
        for (const auto& [layer, snapshot] : targets) {
            const std::vector<std::size_t> hits =
                render::featuresIntersecting(snapshot.layer->geometry, box, snapshot.index.get());
            FeatureSelection::Features& features = selected[layer];
            for (const std::size_t feature : hits)
                features.push_back(static_cast<std::uint32_t>(feature));
        }
        return selected;
    }));
}

double MainWindow::selectedAreaM2() const
{
    const auto& layers = m_canvas->layers();
    double total = 0;
    for (const auto& [layer, features] : m_selection->layers())
        if (layer < layers.size())
            total += totalEllipsoidalAreaM2(*layers[layer].snapshot.layer, features);
    return total;
}

void MainWindow::updateOverlay()
{
    std::vector<render::LayerSnapshot> overlay = m_changesPanel->overlay();
    for (render::LayerSnapshot& snapshot : m_auditPanel->overlay())
        overlay.push_back(std::move(snapshot));
    for (render::LayerSnapshot& snapshot : m_findingsPanel->overlay())
        overlay.push_back(std::move(snapshot));
    const auto& layers = m_canvas->layers();
    for (const auto& [layer, features] : m_selection->layers()) {
        if (layer >= layers.size())
            continue;
        const render::LayerSnapshot& source = layers[layer].snapshot;
        render::LayerSnapshot snapshot;
        snapshot.layer = source.layer;
        snapshot.role = source.role;
        snapshot.style = render::LayerStyle::selectionFor(source.layer->geometry.kind());
        snapshot.features = std::make_shared<const std::vector<std::uint32_t>>(features);
        overlay.push_back(std::move(snapshot));
    }
    m_canvas->setOverlayLayers(std::move(overlay));
}

void MainWindow::zoomTo(geo::Envelope envelope)
{
    if (envelope.isEmpty())
        return;
    const double margin = std::max(envelope.width(), envelope.height()) * 0.6 + 1;
    envelope.minX -= margin;
    envelope.maxX += margin;
    envelope.minY -= margin;
    envelope.maxY += margin;
    m_canvas->setExtent(envelope);
}

void MainWindow::onSelectionChanged()
{
    const auto& layers = m_canvas->layers();
    bool anyPolygon = false;
    for (const auto& [layer, features] : m_selection->layers())
        if (layer < layers.size())
            anyPolygon = anyPolygon || layers[layer].snapshot.layer->geometry.kind() ==
                                           geo::GeometryKind::Polygon;
    updateOverlay();
    if (m_attributePanel->currentLayer() >= 0)
        m_attributePanel->setSelectedFeatures(
            m_selection->features(static_cast<std::size_t>(m_attributePanel->currentLayer())));

    const auto count = static_cast<int>(m_selection->count());
    if (count == 0) {
        m_selectionLabel->setText(tr("No selection"));
        return;
    }
    QString text = tr("%n feature(s) selected", nullptr, count);
    if (anyPolygon)
        text = tr("%1, %2 mu")
                   .arg(text, QString::fromStdString(
                                  geo::formatForDisplay(geo::muFromM2(selectedAreaM2()))));
    m_selectionLabel->setText(text);
}

void MainWindow::showMeasurement()
{
    const bool measuring = m_canvas->tool() != MapCanvas::Tool::Identify;
    m_measureLabel->setVisible(measuring);
    if (measuring)
        m_measureLabel->setText(m_canvas->measureTool()->summary());
}

void MainWindow::editFieldMapping(int index)
{
    const auto& layers = m_canvas->layers();
    if (index < 0 || static_cast<std::size_t>(index) >= layers.size() ||
        layers[index].snapshot.isRaster())
        return;
    const std::shared_ptr<const geo::Layer> layer = layers[index].snapshot.layer;
    render::RoleBinding current;
    if (const auto it = m_projectLayers.find(layer.get()); it != m_projectLayers.end())
        current = it->second.binding;
    auto* dialog = new FieldMappingDialog(*layer, current, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, layer] {
        // The layer may have moved or gone since the dialog opened: find it again.
        const auto& now = m_canvas->layers();
        for (std::size_t i = 0; i < now.size(); ++i)
            if (now[i].snapshot.layer == layer)
                applyFieldMapping(static_cast<int>(i), dialog->binding());
    });
    dialog->open();
}

void MainWindow::applyFieldMapping(int index, const render::RoleBinding& binding)
{
    const auto& layers = m_canvas->layers();
    if (index < 0 || static_cast<std::size_t>(index) >= layers.size())
        return;
    const std::shared_ptr<const geo::Layer> layer = layers[index].snapshot.layer;
    ProjectLayer& entry = m_projectLayers[layer.get()];
    if (entry.ref.datasetPath.empty())
        entry.ref = {layer->sourcePath, layer->name};
    entry.binding = binding;

    // Restyled by the new role: one attribute read a feature, as when the map was loaded.
    const render::RoleStyleBook fallbackBook;
    const render::RoleStyleBook& book = m_styleBook ? *m_styleBook : fallbackBook;
    render::LayerSnapshot snapshot =
        book.snapshotFor(layer, binding.role, binding.fieldMap, static_cast<std::size_t>(index),
                         binding.classification);
    m_layersPanel->updateLayer(index, snapshot);
    m_canvas->replaceLayer(static_cast<std::size_t>(index), std::move(snapshot));

    // Saved in the project file, on a worker (write-then-rename).
    saveProjectFile({});
}

void MainWindow::saveProjectFile(const std::vector<ProjectLayer>& extra,
                                 const std::function<void(bool)>& then)
{
    if (m_projectPath.isEmpty())
        m_projectPath = projectPathFor(m_loadingSources);
    if (m_projectPath.isEmpty()) {
        emit projectSaved({}, tr("the source is not a local file, so there is no folder to "
                                 "keep a project file in"));
        if (then)
            then(false);
        return;
    }
    std::vector<ProjectLayer> entries;
    for (const auto& canvasLayer : m_canvas->layers())
        if (const auto it = m_projectLayers.find(canvasLayer.snapshot.layer.get());
            it != m_projectLayers.end())
            entries.push_back(it->second);
    for (const ProjectLayer& layer : extra) {
        const auto same = std::find_if(entries.begin(), entries.end(), [&](const ProjectLayer& e) {
            return sameLayer(e.ref, layer.ref);
        });
        if (same != entries.end())
            *same = layer;
        else
            entries.push_back(layer);
    }
    const QFileInfo project(m_projectPath);
    // A project's own name is kept; a new one is named after its file.
    const std::string name = project.exists()
                                 ? std::string()
                                 : project.fileName().section(QLatin1Char('.'), 0, 0).toStdString();
    const std::string crs = m_canvas->crs().isEmpty() ? std::string() : m_canvas->crs().label();
    const geo::ParkDefinition definition = projectDefinition(name, crs, entries);
    const QString path = m_projectPath;
    // The park's session takes the saved project as its definition (on the worker: it reads
    // the file back), so the new mapping reaches every analysis without reading a layer again.
    auto session = std::make_shared<std::shared_ptr<geo::ParkSession>>(m_parkSession);
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this,
            [this, watcher, path, then, session] {
                const QString error = watcher->result();
                watcher->deleteLater();
                if (error.isEmpty() && path == m_projectPath) {
                    m_parkSession = *session;
                    useProjectForAnalyses();
                }
                emit projectSaved(path, error);
                if (then)
                    then(error.isEmpty());
            });
    watcher->setFuture(QtConcurrent::run([definition, path, session]() -> QString {
        try {
            geo::saveProject(definition, path.toStdString());
        } catch (const std::exception& error) {
            return QString::fromStdString(error.what());
        }
        try {
            geo::ParkDefinition saved = geo::discoverPark(path.toStdString());
            if (*session)
                (*session)->redefine(std::move(saved));
            else
                *session = std::make_shared<geo::ParkSession>(std::move(saved));
        } catch (const std::exception&) {
            // Just written, so readable; should it not be, the analyses keep the park as it was.
        }
        return {};
    }));
}

void MainWindow::setAnalysisSession(std::shared_ptr<geo::ParkSession> session)
{
    m_parkSession = std::move(session);
    m_findingsPanel->setSource(m_parkSession, m_canvas->crs());
    m_auditPanel->setSource(m_parkSession, m_canvas->crs());
    m_ledgerPanel->setSource(m_parkSession);
    m_changesPanel->setSource(m_parkSession, m_canvas->crs());
}

void MainWindow::useProjectForAnalyses()
{
    if (m_projectPath.isEmpty())
        return;
    // What had results runs again on the park as the project now describes it.
    const bool check = m_findingsPanel->hasResults();
    const bool audit = m_auditPanel->hasResults();
    const bool ledger = m_ledgerPanel->ledger() != nullptr;
    setAnalysisSession(m_parkSession);
    if (check)
        m_findingsPanel->run();
    if (audit)
        m_auditPanel->run();
    if (ledger)
        m_ledgerPanel->run();
    // The edit check reads the park when editing starts: a session on now restarts its park.
    m_editing->parkChanged();
}

namespace {

/// The contract fields the locator searches, by role.
const std::map<geo::Role, std::vector<std::string>>& locatorFields()
{
    static const std::map<geo::Role, std::vector<std::string>> fields = {
        {geo::Role::Parcels, {"parcel_id", "owner"}},
        {geo::Role::Acquisition, {"batch_id", "name", "village"}},
        {geo::Role::IdleLand, {"case_id", "parcel_id"}},
        {geo::Role::PlanZones, {"zone_id"}},
        {geo::Role::Roads, {"name", "lot"}},
        {geo::Role::Pipelines, {"lot"}},
        {geo::Role::Facilities, {"kind"}},
        {geo::Role::Expansion, {"name"}},
        {geo::Role::Boundary, {"name"}}};
    return fields;
}

} // namespace

void MainWindow::locate(const QString& text)
{
    const QString query = text.trimmed();
    if (query.isEmpty())
        return;
    // Coordinates: two numbers, in the map CRS or in degrees (parseLocatorCoordinates).
    const geo::Crs& crs = m_canvas->crs();
    if (const auto typed = parseLocatorCoordinates(query, !crs.isEmpty())) {
        double xy[2] = {typed->x, typed->y};
        if (typed->degrees && crs.isProjected()) {
            try {
                geo::Transform(crs.geographic(), crs).forward(xy, 1);
            } catch (const std::exception& error) {
                statusBar()->showMessage(QString::fromStdString(error.what()), 8000);
                emit locateFinished(0);
                return;
            }
        }
        const double halfM = (!crs.isEmpty() && crs.isGeographic()) ? 0.002 : 150;
        m_canvas->setExtent({xy[0] - halfM, xy[1] - halfM, xy[0] + halfM, xy[1] + halfM});
        identifyAt(QPointF(xy[0], xy[1]));
        statusBar()->showMessage(tr("Shown: %1, %2").arg(xy[0], 0, 'f', 2).arg(xy[1], 0, 'f', 2),
                                 8000);
        emit locateFinished(static_cast<int>(m_selection->count()));
        return;
    }
    // Text: the searched contract fields of every layer with a role, on a worker.
    struct Target {
        std::size_t index;
        std::shared_ptr<const geo::Layer> layer;
        std::vector<int> fields;
    };
    std::vector<Target> targets;
    const auto& layers = m_canvas->layers();
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const render::LayerSnapshot& snapshot = layers[i].snapshot;
        const std::optional<geo::Role> role = roleOf(static_cast<int>(i));
        if (snapshot.isRaster() || !role)
            continue;
        const auto wanted = locatorFields().find(*role);
        if (wanted == locatorFields().end())
            continue;
        std::map<std::string, std::string> fieldMap;
        if (const auto it = m_projectLayers.find(snapshot.layer.get()); it != m_projectLayers.end())
            fieldMap = it->second.binding.fieldMap;
        const std::vector<int> resolved =
            geo::resolveContractFields(*role, snapshot.layer->attributes, fieldMap);
        const auto& contract = geo::contractFields(*role);
        Target target{i, snapshot.layer, {}};
        for (std::size_t c = 0; c < contract.size() && c < resolved.size(); ++c)
            if (resolved[c] >= 0 &&
                std::find(wanted->second.begin(), wanted->second.end(), contract[c].name) !=
                    wanted->second.end())
                target.fields.push_back(resolved[c]);
        if (!target.fields.empty())
            targets.push_back(std::move(target));
    }
    m_locateWatcher.cancel();
    m_locateWatcher.disconnect(this);
    connect(&m_locateWatcher, &QFutureWatcher<BoxSelection>::finished, this, [this, query] {
        if (m_locateWatcher.isCanceled() || m_locateWatcher.future().resultCount() == 0)
            return;
        const BoxSelection found = m_locateWatcher.result();
        geo::Envelope extent;
        std::size_t count = 0;
        const auto& now = m_canvas->layers();
        for (const auto& [layer, features] : found)
            for (const std::uint32_t feature : features) {
                if (layer >= now.size())
                    continue;
                const geo::Envelope envelope = now[layer].snapshot.layer->geometry.envelope(feature);
                if (count++ == 0)
                    extent = envelope;
                else
                    extent.expand(envelope);
            }
        if (count == 0) {
            statusBar()->showMessage(tr("Nothing found for “%1”").arg(query), 8000);
            emit locateFinished(0);
            return;
        }
        m_selection->setSelection(found);
        zoomTo(extent);
        statusBar()->showMessage(tr("%n found for “%1”", nullptr, static_cast<int>(count)).arg(query),
                                 8000);
        emit locateFinished(static_cast<int>(count));
    });
    m_locateWatcher.setFuture(QtConcurrent::run([targets, query] {
        // Exact values first; only when none is exact, the values containing the text. Latin
        // letters in either case (ql2019-037 finds QL2019-037).
        const auto asciiLower = [](std::string text) {
            for (char& c : text)
                if (c >= 'A' && c <= 'Z')
                    c = static_cast<char>(c - 'A' + 'a');
            return text;
        };
        const std::string needle = asciiLower(query.toStdString());
        BoxSelection exact;
        BoxSelection containing;
        for (const Target& target : targets) {
            const geo::AttributeTable& attributes = target.layer->attributes;
            for (std::size_t feature = 0; feature < target.layer->featureCount(); ++feature)
                for (const int field : target.fields) {
                    if (attributes.isUnknown(feature, field))
                        continue;
                    const std::string value = asciiLower(attributes.text(feature, field));
                    if (value == needle) {
                        exact[target.index].push_back(static_cast<std::uint32_t>(feature));
                        break;
                    }
                    if (value.find(needle) != std::string::npos) {
                        containing[target.index].push_back(static_cast<std::uint32_t>(feature));
                        break;
                    }
                }
        }
        return exact.empty() ? containing : exact;
    }));
}

void MainWindow::showBookmarks()
{
    if (!m_bookmarksDialog) {
        // A park without a project file gets one (its layers as they are) at the first bookmark.
        auto makeProject = [this](std::function<void(const QString&)> done) {
            saveProjectFile({},
                            [this, done](bool saved) { done(saved ? m_projectPath : QString()); });
        };
        m_bookmarksDialog = new BookmarksDialog(m_canvas, m_projectPath, makeProject, this);
        connect(this, &MainWindow::loadFinished, m_bookmarksDialog,
                [this] { m_bookmarksDialog->setProjectPath(m_projectPath); });
    }
    m_bookmarksDialog->show();
    m_bookmarksDialog->raise();
    m_bookmarksDialog->activateWindow();
}

BookmarksDialog* MainWindow::bookmarksDialog() const
{
    return m_bookmarksDialog.data();
}

void MainWindow::showLedgerRow(int row)
{
    const geo::LedgerTable* table = m_ledgerPanel->model()->table();
    if (!table || row < 0)
        return;
    std::vector<LocatableLayer> layers;
    const auto& canvasLayers = m_canvas->layers();
    for (std::size_t i = 0; i < canvasLayers.size(); ++i) {
        const render::LayerSnapshot& snapshot = canvasLayers[i].snapshot;
        const std::optional<geo::Role> role = roleOf(static_cast<int>(i));
        if (snapshot.isRaster() || !role)
            continue;
        LocatableLayer layer{i, snapshot.layer, *role, {}};
        if (const auto it = m_projectLayers.find(snapshot.layer.get()); it != m_projectLayers.end())
            layer.fieldMap = it->second.binding.fieldMap;
        layers.push_back(std::move(layer));
    }
    LedgerRowFeatures found = ledgerRowFeatures(*table, static_cast<std::size_t>(row),
                                                m_ledgerPanel->shownKind(), layers);
    if (found.features.empty()) {
        m_ledgerPanel->showSummary(found.problem);
        return;
    }
    std::size_t count = 0;
    for (const auto& [layer, features] : found.features)
        count += features.size();
    m_selection->setSelection(std::move(found.features));
    zoomTo(found.extent);
    m_ledgerPanel->showSummary(tr("%n feature(s) on the map", nullptr, static_cast<int>(count)));
}

CrsDialog* MainWindow::crsDialog() const
{
    return m_crsDialog.data();
}

void MainWindow::askForNextCrs()
{
    if (m_crsDialog || m_crsQueue.empty())
        return;
    const CrsNeeded layer = m_crsQueue.front();
    m_crsQueue.erase(m_crsQueue.begin());
    const QString name = QString::fromStdString(
        layer.ref.layerName.empty() ? layer.ref.datasetPath : layer.ref.layerName);
    showCrsDialog(layer, name, {});
}

void MainWindow::editLayerCrs(int index)
{
    const auto& layers = m_canvas->layers();
    if (index < 0 || static_cast<std::size_t>(index) >= layers.size() ||
        layers[static_cast<std::size_t>(index)].snapshot.isRaster())
        return;
    const std::shared_ptr<const geo::Layer> layer = layers[static_cast<std::size_t>(index)].snapshot.layer;
    CrsNeeded request;
    request.ref = {layer->sourcePath, layer->name};
    if (const auto it = m_projectLayers.find(layer.get()); it != m_projectLayers.end()) {
        request.ref = it->second.ref;
        request.open = it->second.open;
        request.binding = it->second.binding;
    } else {
        request.binding = render::RoleBinding{roleOf(index), {}, {}};
    }
    // Raw coordinates (no layer of the map has a CRS) may still name their zone.
    if (layer->crs.isEmpty() && m_canvas->crs().isEmpty())
        request.proposal = geo::proposeZoneFromExtent(layer->geometry.extent());
    const QString current = layer->crs.isEmpty() ? QString()
                                                 : QString::fromStdString(layer->crs.label());
    showCrsDialog(request, QString::fromStdString(layer->name), current);
}

void MainWindow::showCrsDialog(const CrsNeeded& layer, const QString& layerName,
                               const QString& current)
{
    if (m_crsDialog)
        m_crsDialog->close();
    auto* dialog = new CrsDialog(layerName, layer.proposal, QString::fromStdString(layer.hint),
                                 current, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_crsDialog = dialog;
    connect(dialog, &QDialog::finished, this, [this, dialog, layer, layerName](int result) {
        const QString definition = dialog->crsDefinition();
        if (result != QDialog::Accepted || definition.isEmpty()) {
            QTimer::singleShot(0, this, &MainWindow::askForNextCrs);
            return;
        }
        ProjectLayer chosen;
        chosen.ref = layer.ref;
        chosen.open = layer.open;
        chosen.open.sourceSrs = definition.toStdString();
        chosen.binding = layer.binding ? *layer.binding : render::RoleBinding{};
        if (!chosen.binding.role)
            chosen.binding.role = geo::roleFromLayerName(
                std::filesystem::path(layer.ref.layerName.empty() ? layer.ref.datasetPath
                                                                   : layer.ref.layerName)
                    .stem()
                    .string());
        m_sessionOverrides.push_back(chosen);
        statusBar()->showMessage(tr("%1 is read as %2").arg(layerName, definition),
                                 5000);
        // Saved first, then read again: the reload finds the project as saved.
        const QStringList sources = m_openSources;
        saveProjectFile({chosen}, [this, sources](bool) {
            if (m_openSources == sources)
                startLoad(sources, true);
        });
    });
    dialog->open();
}

} // namespace parkatlas::desktop
