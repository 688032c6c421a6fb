#include "app/desktop/main_window.h"

#include "app/desktop/attribute_table_panel.h"
#include "app/desktop/audit_panel.h"
#include "app/desktop/changes_panel.h"
#include "app/desktop/editing_ui.h"
#include "app/desktop/export_map_dialog.h"
#include "app/desktop/feature_selection.h"
#include "app/desktop/parcel_sheet_dialog.h"
#include "app/desktop/field_mapping_dialog.h"
#include "app/desktop/file_drop_filter.h"
#include "app/desktop/findings_panel.h"
#include "app/desktop/identify_panel.h"
#include "app/desktop/layers_panel.h"
#include "app/desktop/ledger_panel.h"
#include "app/desktop/map_canvas.h"
#include "app/desktop/park_date_dialog.h"
#include "app/desktop/report_exporter.h"
#include "app/desktop/recent_files.h"
#include "app/desktop/translation.h"

#include <QAction>
#include <QActionGroup>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QProgressBar>
#include <QStatusBar>
#include <QToolBar>

#include <initializer_list>
#include <tuple>

namespace parkatlas::desktop {

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
    m_progressBar->setRange(0, kLoadProgressSteps);
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
    // The analyses report to the messages panel; all but the ledgers draw over the map.
    for (AnalysisPanel* panel : std::initializer_list<AnalysisPanel*>{
             m_findingsPanel, m_auditPanel, m_ledgerPanel, m_changesPanel})
        connect(panel, &AnalysisPanel::messagesReported, this, [this](const QStringList& texts) {
            for (const QString& text : texts)
                addMessage(text);
        });
    for (AnalysisPanel* panel :
         std::initializer_list<AnalysisPanel*>{m_findingsPanel, m_auditPanel, m_changesPanel}) {
        connect(panel, &AnalysisPanel::overlayChanged, this, &MainWindow::updateOverlay);
        connect(panel, &AnalysisPanel::zoomRequested, this, &MainWindow::zoomTo);
    }
    connect(m_ledgerPanel, &LedgerPanel::rowClicked, this, &MainWindow::showLedgerRow);
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

QStringList MainWindow::messages() const
{
    QStringList texts;
    for (int row = 0; row < m_messageList->count(); ++row)
        texts.append(m_messageList->item(row)->text());
    return texts;
}

void MainWindow::addMessage(const QString& text)
{
    auto* item = new QListWidgetItem(text, m_messageList);
    item->setToolTip(text);
}

} // namespace parkatlas::desktop
