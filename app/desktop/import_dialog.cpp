#include "app/desktop/import_dialog.h"

#include "app/desktop/crs_dialog.h"
#include "app/desktop/field_mapping_dialog.h"
#include "app/desktop/map_canvas.h"
#include "app/desktop/translation.h"
#include "app/render/role_style_book.h"
#include "geo/error.h"
#include "geo/io/atomic_file.h"
#include "geo/progress.h"
#include "geo/store/import_summary.h"
#include "geo/io/json_writer.h"
#include "geo/model/issue_text.h"
#include "geo/model/role.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <atomic>
#include <set>
#include <sstream>

namespace parkatlas::desktop {

namespace {

constexpr int kProgressSteps = 1000;
constexpr int kPlanDelayMs = 250;
constexpr int kMaxTextsShown = 5000; // a drawing of 100,000 plots has as many labels
constexpr double kTextZoomMarginM = 60;
constexpr int kMaxColumnWidthPx = 220;

constexpr int kSourceColumn = ImportDialog::kSourceColumn;
constexpr int kLayerColumn = ImportDialog::kLayerColumn;
constexpr int kFeaturesColumn = ImportDialog::kFeaturesColumn;
constexpr int kRoleColumn = ImportDialog::kRoleColumn;
constexpr int kFieldsColumn = ImportDialog::kFieldsColumn;
constexpr int kTextsColumn = ImportDialog::kTextsColumn;
constexpr int kReasonColumn = ImportDialog::kReasonColumn;
constexpr int kLayerColumns = ImportDialog::kLayerColumns;
enum JoinColumn { kTableColumn, kKeyColumn, kKeyColumnColumn, kJoinRoleColumn, kJoinColumns };
enum TextColumn { kTextColumn, kTextLayerColumn, kXColumn, kYColumn, kStatusColumn,
                  kTextColumns };

constexpr int kPlanIndexRole = Qt::UserRole;      // layers table: index into report.layers
constexpr int kTextIndexRole = Qt::UserRole + 1;  // texts table: index into plan texts

QString fromUtf8(const std::string& text)
{
    return QString::fromStdString(text);
}

/// An importer's reason (English, as the report's JSON keeps it) in the UI's language.
QString saidReason(const std::string& reason)
{
    return fromUtf8(geo::messagePartText(reason, uiLanguage()));
}

QString roleText(geo::Role role)
{
    return QStringLiteral("%1 %2").arg(QString::fromUtf8(geo::chineseName(role)),
                                      QString::fromUtf8(geo::toString(role)));
}

bool isContractField(geo::Role role, const std::string& name)
{
    for (const geo::ContractField& field : geo::contractFields(role))
        if (name == field.name)
            return true;
    return false;
}

/// The role a ledger is joined onto: the role holding its key (geo::joinTable's rule: parcels
/// holds parcel_id, owner and the credit code).
geo::Role joinRole(const QString& /*key*/)
{
    return geo::Role::Parcels;
}

QString fileName(const std::string& path)
{
    const QFileInfo info(fromUtf8(path));
    return info.fileName().isEmpty() ? fromUtf8(path) : info.fileName();
}

} // namespace

ImportDialog::ImportDialog(QWidget* parent)
    : QDialog(parent), m_sourceList(new QListWidget(this)), m_joinsTable(new QTableWidget(this)),
      m_layersTable(new QTableWidget(this)), m_textsTable(new QTableWidget(this)),
      m_tabs(new QTabWidget(this)), m_messages(new QListWidget(this)),
      m_reportView(new QPlainTextEdit(this)), m_preview(new MapCanvas(this)),
      m_crsEdit(new QLineEdit(this)), m_crsNote(new QLabel(this)),
      m_outputEdit(new QLineEdit(this)), m_status(new QLabel(this)),
      m_progress(new QProgressBar(this)), m_buildButton(new QPushButton(tr("&Build"), this)),
      m_cancelButton(new QPushButton(tr("Cancel"), this)),
      m_saveReportButton(new QPushButton(tr("&Save Report…"), this)),
      m_openButton(new QPushButton(tr("&Open in Viewer"), this))
{
    setObjectName(QStringLiteral("importDialog"));
    setWindowTitle(tr("Import Park"));
    resize(1280, 820);

    // Sources and ledgers.
    m_sourceList->setObjectName(QStringLiteral("sourceList"));
    m_sourceList->setSelectionMode(QAbstractItemView::ExtendedSelection);
    auto* addFiles = new QPushButton(tr("Add &Files…"), this);
    auto* addFolder = new QPushButton(tr("Add F&older…"), this);
    auto* removeSource = new QPushButton(tr("&Remove"), this);
    addFiles->setToolTip(tr("Drawings (.dxf, .dwg R2000), GeoPackages, shapefiles, Personal "
                            "Geodatabases (.mdb), VCT exchange files (.vct) and whatever GDAL "
                            "opens"));
    addFolder->setToolTip(tr("A folder of shapefiles, or a File Geodatabase (.gdb)"));
    connect(addFiles, &QPushButton::clicked, this, &ImportDialog::addFilesDialog);
    connect(addFolder, &QPushButton::clicked, this, &ImportDialog::addFolderDialog);
    connect(removeSource, &QPushButton::clicked, this, [this] {
        const auto selected = m_sourceList->selectedItems();
        if (selected.isEmpty())
            return;
        for (QListWidgetItem* item : selected)
            delete item;
        schedulePlan();
    });
    auto* sourceButtons = new QVBoxLayout;
    sourceButtons->addWidget(addFiles);
    sourceButtons->addWidget(addFolder);
    sourceButtons->addWidget(removeSource);
    sourceButtons->addStretch();
    auto* sourcesBox = new QGroupBox(tr("Sources"), this);
    auto* sourcesLayout = new QHBoxLayout(sourcesBox);
    sourcesLayout->addWidget(m_sourceList, 1);
    sourcesLayout->addLayout(sourceButtons);

    m_joinsTable->setObjectName(QStringLiteral("joinsTable"));
    m_joinsTable->setColumnCount(kJoinColumns);
    m_joinsTable->setHorizontalHeaderLabels(
        {tr("Table"), tr("Key"), tr("Key column"), tr("Joined onto")});
    m_joinsTable->horizontalHeader()->setSectionResizeMode(kTableColumn, QHeaderView::Stretch);
    m_joinsTable->verticalHeader()->hide();
    m_joinsTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_joinsTable->setToolTip(
        tr("Ledgers (XLSX, XLS, CSV) joined onto the built park by a key, as --join TABLE --on "
           "KEY[=COLUMN]: the key column is found by the key's Chinese names when left empty"));
    auto* addTable = new QPushButton(tr("Add &Table…"), this);
    auto* removeTable = new QPushButton(tr("Remove Ta&ble"), this);
    connect(addTable, &QPushButton::clicked, this, &ImportDialog::addJoinDialog);
    connect(removeTable, &QPushButton::clicked, this, [this] {
        const int row = m_joinsTable->currentRow();
        if (row >= 0)
            m_joinsTable->removeRow(row);
    });
    auto* joinButtons = new QVBoxLayout;
    joinButtons->addWidget(addTable);
    joinButtons->addWidget(removeTable);
    joinButtons->addStretch();
    auto* joinsBox = new QGroupBox(tr("Ledgers to join"), this);
    auto* joinsLayout = new QHBoxLayout(joinsBox);
    joinsLayout->addWidget(m_joinsTable, 1);
    joinsLayout->addLayout(joinButtons);

    auto* inputs = new QWidget(this);
    auto* inputsLayout = new QHBoxLayout(inputs);
    inputsLayout->setContentsMargins(0, 0, 0, 0);
    inputsLayout->addWidget(sourcesBox, 1);
    inputsLayout->addWidget(joinsBox, 1);

    // The layers and what becomes of them.
    m_layersTable->setObjectName(QStringLiteral("layersTable"));
    m_layersTable->setColumnCount(kLayerColumns);
    m_layersTable->setHorizontalHeaderLabels({tr("Source"), tr("Layer"), tr("Features in → out"),
                                              tr("Role"), tr("Fields"), tr("Texts"), tr("Why")});
    m_layersTable->horizontalHeader()->setSectionResizeMode(kReasonColumn, QHeaderView::Stretch);
    m_layersTable->verticalHeader()->hide();
    m_layersTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_layersTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_layersTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    connect(m_layersTable, &QTableWidget::itemSelectionChanged, this, &ImportDialog::showTexts);
    connect(m_layersTable, &QTableWidget::cellDoubleClicked, this, [this](int row, int column) {
        if (column == kFieldsColumn)
            editLayerFields(row);
    });
    auto* editFields = new QPushButton(tr("Edit &Fields…"), this);
    editFields->setObjectName(QStringLiteral("editFieldsButton"));
    editFields->setEnabled(false);
    connect(editFields, &QPushButton::clicked, this,
            [this] { editLayerFields(m_layersTable->currentRow()); });
    connect(m_layersTable, &QTableWidget::itemSelectionChanged, editFields, [this, editFields] {
        const geo::ImportedLayer* layer = plannedLayer(m_layersTable->currentRow());
        editFields->setEnabled(layer && !layer->cad && layer->role);
    });
    auto* layersBox = new QGroupBox(tr("Source layers and their roles in the park"), this);
    auto* layersLayout = new QVBoxLayout(layersBox);
    layersLayout->addWidget(m_layersTable, 1);
    auto* layerButtons = new QHBoxLayout;
    layerButtons->addWidget(new QLabel(tr("Pick a role, or leave a layer out; double-click its "
                                          "fields to map them."),
                                       this),
                            1);
    layerButtons->addWidget(editFields);
    layersLayout->addLayout(layerButtons);

    m_textsTable->setObjectName(QStringLiteral("textsTable"));
    m_textsTable->setColumnCount(kTextColumns);
    m_textsTable->setHorizontalHeaderLabels(
        {tr("Text"), tr("Layer"), tr("X"), tr("Y"), tr("Assigned to")});
    m_textsTable->horizontalHeader()->setSectionResizeMode(kStatusColumn, QHeaderView::Stretch);
    m_textsTable->verticalHeader()->hide();
    m_textsTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_textsTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    connect(m_textsTable, &QTableWidget::cellClicked, this, [this](int row, int) {
        const QTableWidgetItem* item = m_textsTable->item(row, kTextColumn);
        if (!item || !m_plan)
            return;
        const std::size_t index = item->data(kTextIndexRole).toULongLong();
        if (index >= m_plan->texts.size())
            return;
        const geo::PlannedText& text = m_plan->texts[index];
        geo::Envelope around;
        around.expand(text.x - kTextZoomMarginM, text.y - kTextZoomMarginM);
        around.expand(text.x + kTextZoomMarginM, text.y + kTextZoomMarginM);
        m_preview->setExtent(around);
    });
    m_messages->setObjectName(QStringLiteral("importMessages"));
    m_messages->setWordWrap(true);
    m_reportView->setObjectName(QStringLiteral("importReport"));
    m_reportView->setReadOnly(true);
    m_reportView->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_tabs->addTab(m_textsTable, tr("Texts in drawings"));
    m_tabs->addTab(m_messages, tr("Messages"));
    m_tabs->addTab(m_reportView, tr("Report"));

    auto* left = new QSplitter(Qt::Vertical, this);
    left->addWidget(inputs);
    left->addWidget(layersBox);
    left->addWidget(m_tabs);
    left->setStretchFactor(0, 1);
    left->setStretchFactor(1, 3);
    left->setStretchFactor(2, 2);

    m_preview->setObjectName(QStringLiteral("importPreview"));
    m_preview->setRefreshDelay(50);
    m_preview->setMinimumSize(320, 240);
    auto* previewBox = new QGroupBox(tr("The park as it would be built"), this);
    auto* previewLayout = new QVBoxLayout(previewBox);
    previewLayout->addWidget(m_preview);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(previewBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    // The CRS of drawings, and the output.
    m_crsEdit->setObjectName(QStringLiteral("crsEdit"));
    m_crsEdit->setPlaceholderText(tr("EPSG:4547"));
    m_crsEdit->setToolTip(tr("The coordinate system of sources that have none (every drawing), "
                             "as --s-srs"));
    connect(m_crsEdit, &QLineEdit::editingFinished, this, &ImportDialog::schedulePlan);
    auto* chooseCrsButton = new QPushButton(tr("&Choose…"), this);
    connect(chooseCrsButton, &QPushButton::clicked, this, &ImportDialog::chooseCrs);
    m_crsNote->setObjectName(QStringLiteral("crsNote"));
    m_crsNote->setWordWrap(true);
    auto* crsRow = new QHBoxLayout;
    crsRow->addWidget(m_crsEdit);
    crsRow->addWidget(chooseCrsButton);
    crsRow->addWidget(m_crsNote, 1);
    m_outputEdit->setObjectName(QStringLiteral("outputEdit"));
    m_outputEdit->setPlaceholderText(tr("park.gpkg"));
    connect(m_outputEdit, &QLineEdit::textChanged, this, &ImportDialog::updateButtons);
    auto* browse = new QPushButton(tr("Bro&wse…"), this);
    connect(browse, &QPushButton::clicked, this, &ImportDialog::chooseOutput);
    auto* outputRow = new QHBoxLayout;
    outputRow->addWidget(m_outputEdit, 1);
    outputRow->addWidget(browse);
    auto* form = new QFormLayout;
    form->addRow(tr("Coordinate system of drawings:"), crsRow);
    form->addRow(tr("Park to write:"), outputRow);

    m_status->setObjectName(QStringLiteral("importStatus"));
    m_status->setWordWrap(true);
    m_progress->setObjectName(QStringLiteral("importProgress"));
    m_progress->setRange(0, kProgressSteps);
    m_progress->setVisible(false);
    m_buildButton->setObjectName(QStringLiteral("buildButton"));
    m_cancelButton->setObjectName(QStringLiteral("cancelButton"));
    m_saveReportButton->setObjectName(QStringLiteral("saveReportButton"));
    m_openButton->setObjectName(QStringLiteral("openButton"));
    auto* close = new QPushButton(tr("Close"), this);
    connect(m_buildButton, &QPushButton::clicked, this, &ImportDialog::build);
    connect(m_cancelButton, &QPushButton::clicked, this, &ImportDialog::cancel);
    connect(m_saveReportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save Import Report"),
            QFileInfo(m_builtPath.isEmpty() ? outputPath() : m_builtPath)
                    .dir()
                    .filePath(QStringLiteral("import-report.json")),
            tr("JSON (*.json)"));
        if (!path.isEmpty())
            saveReport(path);
    });
    connect(m_openButton, &QPushButton::clicked, this, [this] {
        emit openParkRequested(m_builtPath);
        accept();
    });
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_progress);
    buttons->addWidget(m_buildButton);
    buttons->addWidget(m_cancelButton);
    buttons->addWidget(m_saveReportButton);
    buttons->addWidget(m_openButton);
    buttons->addWidget(close);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    layout->addLayout(form);
    layout->addLayout(buttons);

    m_planTimer.setSingleShot(true);
    m_planTimer.setInterval(kPlanDelayMs);
    connect(&m_planTimer, &QTimer::timeout, this, &ImportDialog::startPlan);
    connect(&m_planWatcher, &QFutureWatcher<ImportPlanOutcome>::finished, this,
            &ImportDialog::onPlanFinished);
    connect(&m_buildWatcher, &QFutureWatcher<ImportBuildOutcome>::finished, this,
            &ImportDialog::onBuildFinished);
    for (auto* watcher : {static_cast<QFutureWatcherBase*>(&m_planWatcher),
                          static_cast<QFutureWatcherBase*>(&m_buildWatcher)})
        connect(watcher, &QFutureWatcherBase::progressValueChanged, m_progress,
                &QProgressBar::setValue);
    showPlan();
}

ImportDialog::~ImportDialog()
{
    // The workers hold copies of what they need; a build is told to stop (and leaves nothing).
    m_planWatcher.cancel();
    m_buildWatcher.cancel();
}

void ImportDialog::closeEvent(QCloseEvent* event)
{
    if (isBuilding()) {
        const auto answer = QMessageBox::question(
            this, tr("Import Park"),
            tr("The park is being built. Stop the build and close? Nothing will be written."));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        cancel();
    }
    QDialog::closeEvent(event);
}

// ---- Inputs --------------------------------------------------------------------------------

void ImportDialog::addSources(const QStringList& paths)
{
    const QStringList existing = sources();
    for (const QString& path : paths) {
        if (path.isEmpty() || existing.contains(path))
            continue;
        auto* item = new QListWidgetItem(QFileInfo(path).fileName(), m_sourceList);
        item->setData(Qt::UserRole, path);
        item->setToolTip(path);
    }
    if (m_outputEdit->text().isEmpty() && !paths.isEmpty()) {
        const QFileInfo first(paths.front());
        m_outputEdit->setText(first.absoluteDir().filePath(
            first.completeBaseName() + QStringLiteral("-park.gpkg")));
    }
    schedulePlan();
}

QStringList ImportDialog::sources() const
{
    QStringList paths;
    for (int row = 0; row < m_sourceList->count(); ++row)
        paths.append(m_sourceList->item(row)->data(Qt::UserRole).toString());
    return paths;
}

void ImportDialog::addFilesDialog()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Add Sources"), QString(),
        tr("Drawings and GIS data (*.dxf *.dwg *.gpkg *.shp *.mdb *.vct *.geojson *.json *.sqlite "
           "*.tab *.kml);;All files (*)"));
    if (!files.isEmpty())
        addSources(files);
}

void ImportDialog::addFolderDialog()
{
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Add a Folder of Shapefiles or a File Geodatabase (.gdb)"));
    if (!folder.isEmpty())
        addSources({folder});
}

void ImportDialog::addJoin(const QString& table, const QString& key, const QString& column)
{
    const int row = m_joinsTable->rowCount();
    m_joinsTable->insertRow(row);
    auto* tableItem = new QTableWidgetItem(QFileInfo(table).fileName());
    tableItem->setData(Qt::UserRole, table);
    tableItem->setToolTip(table);
    tableItem->setFlags(tableItem->flags() & ~Qt::ItemIsEditable);
    m_joinsTable->setItem(row, kTableColumn, tableItem);
    auto* keyBox = new QComboBox(m_joinsTable);
    keyBox->setObjectName(QStringLiteral("joinKeyBox"));
    for (const char* name : {"parcel_id", "owner", "credit_code"})
        keyBox->addItem(QString::fromLatin1(name), QString::fromLatin1(name));
    keyBox->setCurrentIndex(std::max(0, keyBox->findData(key)));
    m_joinsTable->setCellWidget(row, kKeyColumn, keyBox);
    auto* columnItem = new QTableWidgetItem(column);
    columnItem->setToolTip(tr("The table's key column as its header says it; empty: found by "
                              "the key's names (宗地代码, 地块编号 …)"));
    m_joinsTable->setItem(row, kKeyColumnColumn, columnItem);
    auto* roleItem = new QTableWidgetItem(roleText(joinRole(key)));
    roleItem->setFlags(roleItem->flags() & ~Qt::ItemIsEditable);
    roleItem->setToolTip(tr("The layer holding the key"));
    m_joinsTable->setItem(row, kJoinRoleColumn, roleItem);
}

void ImportDialog::addJoinDialog()
{
    const QStringList tables = QFileDialog::getOpenFileNames(
        this, tr("Add Ledgers to Join"), QString(),
        tr("Ledgers (*.xlsx *.xlsm *.xls *.csv);;All files (*)"));
    for (const QString& table : tables)
        addJoin(table, QStringLiteral("parcel_id"));
}

std::vector<geo::JoinSpec> ImportDialog::joinSpecs() const
{
    std::vector<geo::JoinSpec> specs;
    for (int row = 0; row < m_joinsTable->rowCount(); ++row) {
        geo::JoinSpec spec;
        spec.tablePath = m_joinsTable->item(row, kTableColumn)->data(Qt::UserRole).toString().toStdString();
        if (auto* box = qobject_cast<QComboBox*>(m_joinsTable->cellWidget(row, kKeyColumn)))
            spec.key = box->currentData().toString().toStdString();
        if (const QTableWidgetItem* column = m_joinsTable->item(row, kKeyColumnColumn))
            spec.column = column->text().trimmed().toStdString();
        specs.push_back(std::move(spec));
    }
    return specs;
}

void ImportDialog::setSourceCrs(const QString& definition)
{
    m_crsEdit->setText(definition.trimmed());
    schedulePlan();
}

QString ImportDialog::sourceCrs() const
{
    return m_crsEdit->text().trimmed();
}

void ImportDialog::chooseCrs()
{
    const geo::CrsQuestion* question =
        m_plan && !m_plan->crsQuestions.empty() ? &m_plan->crsQuestions.front() : nullptr;
    const QString name = question ? fileName(question->path) : tr("the drawings");
    auto* dialog = new CrsDialog(name, question ? question->proposal : std::nullopt,
                                 question ? fromUtf8(question->hint) : QString(), sourceCrs(),
                                 this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QString definition = dialog->crsDefinition();
        if (!definition.isEmpty())
            setSourceCrs(definition);
    });
    dialog->open();
}

void ImportDialog::setOutputPath(const QString& path)
{
    m_outputEdit->setText(path);
}

QString ImportDialog::outputPath() const
{
    return m_outputEdit->text().trimmed();
}

void ImportDialog::chooseOutput()
{
    // Whether to replace an existing park is asked when building, once.
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Park to Write"), outputPath(), tr("GeoPackage (*.gpkg)"), nullptr,
        QFileDialog::DontConfirmOverwrite);
    if (path.isEmpty())
        return;
    setOutputPath(path.endsWith(QStringLiteral(".gpkg"), Qt::CaseInsensitive)
                      ? path
                      : path + QStringLiteral(".gpkg"));
}

// ---- Choices -------------------------------------------------------------------------------

const geo::ImportedLayer* ImportDialog::plannedLayer(int row) const
{
    if (!m_plan || row < 0 || row >= m_layersTable->rowCount())
        return nullptr;
    const QTableWidgetItem* item = m_layersTable->item(row, kSourceColumn);
    if (!item)
        return nullptr;
    const std::size_t index = item->data(kPlanIndexRole).toULongLong();
    return index < m_plan->report.layers.size() ? &m_plan->report.layers[index] : nullptr;
}

int ImportDialog::layerRow(const QString& source, const QString& layer) const
{
    for (int row = 0; row < m_layersTable->rowCount(); ++row) {
        const geo::ImportedLayer* planned = plannedLayer(row);
        if (planned && fromUtf8(planned->source) == source && fromUtf8(planned->layer) == layer)
            return row;
    }
    return -1;
}

void ImportDialog::applyChoice(const LayerKey& key, Choice choice)
{
    const auto proposal = m_proposals.find(key);
    const bool asProposed = proposal != m_proposals.end() && !choice.fieldsSet &&
                            (!choice.roleSet || choice.role == proposal->second.role);
    if (asProposed)
        m_choices.erase(key); // back to what the importer proposes, with its reason
    else
        m_choices[key] = std::move(choice);
    schedulePlan();
}

void ImportDialog::setLayerRole(int row, std::optional<geo::Role> role)
{
    const geo::ImportedLayer* layer = plannedLayer(row);
    if (!layer)
        return;
    const LayerKey key{layer->source, layer->layer};
    Choice choice = m_choices.count(key) ? m_choices[key] : Choice();
    if (choice.roleSet && choice.role == role)
        return;
    // Fields mapped for another role's contract do not carry over.
    if (layer->role != role)
        choice.fieldsSet = false, choice.fields.clear();
    choice.roleSet = true;
    choice.role = role;
    applyChoice(key, std::move(choice));
}

void ImportDialog::setLayerFields(int row,
                                  const std::vector<std::pair<std::string, std::string>>& fields)
{
    const geo::ImportedLayer* layer = plannedLayer(row);
    if (!layer)
        return;
    const LayerKey key{layer->source, layer->layer};
    Choice choice = m_choices.count(key) ? m_choices[key] : Choice();
    choice.fieldsSet = true;
    choice.fields = fields;
    applyChoice(key, std::move(choice));
}

void ImportDialog::editLayerFields(int row)
{
    const geo::ImportedLayer* planned = plannedLayer(row);
    if (!planned || planned->cad || !planned->role)
        return;
    // The Field Mapping dialog lists the layer's fields (no rows needed) and the contract
    // fields of the role, each with the source field the import would put there.
    geo::Layer fields;
    fields.name = planned->layer;
    fields.attributes.setFields(planned->sourceFields);
    render::RoleBinding binding;
    binding.role = planned->role;
    for (const auto& [from, to] : planned->fields)
        if (!to.empty() && isContractField(*planned->role, to))
            binding.fieldMap[to] = from;
    auto* dialog = new FieldMappingDialog(fields, binding, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const LayerKey key{planned->source, planned->layer};
    const std::vector<geo::FieldDef> sourceFields = planned->sourceFields;
    connect(dialog, &QDialog::accepted, this, [this, dialog, key, sourceFields] {
        const render::RoleBinding chosen = dialog->binding();
        Choice choice = m_choices.count(key) ? m_choices[key] : Choice();
        choice.roleSet = true;
        choice.role = chosen.role;
        choice.fieldsSet = chosen.role.has_value();
        choice.fields.clear();
        // Every field says where it goes: to the contract field it was picked for, else under
        // its own name (so an alias the user did not pick is not applied behind their back).
        for (const geo::FieldDef& field : sourceFields) {
            std::string target = field.name;
            for (const auto& [contract, source] : chosen.fieldMap)
                if (source == field.name)
                    target = contract;
            choice.fields.emplace_back(field.name, target);
        }
        applyChoice(key, std::move(choice));
    });
    dialog->open();
}

// ---- Planning ------------------------------------------------------------------------------

geo::ImportOptions ImportDialog::planOptions() const
{
    geo::ImportOptions options;
    for (const QString& source : sources())
        options.sources.push_back(source.toStdString()); // UTF-8, as geo/ expects
    options.sourceSrs = sourceCrs().toStdString();
    for (const auto& [key, choice] : m_choices) {
        const auto proposal = m_proposals.find(key);
        if (proposal == m_proposals.end())
            continue;
        const std::optional<geo::Role> role =
            choice.roleSet ? choice.role : proposal->second.role;
        const std::vector<std::pair<std::string, std::string>> noFields;
        options.mapping.exact[key] = geo::ruleFor(proposal->second, role,
                                                  choice.fieldsSet ? choice.fields : noFields);
    }
    return options;
}

geo::ImportOptions ImportDialog::buildOptions() const
{
    geo::ImportOptions options = planOptions();
    options.output = outputPath().toStdString();
    options.joins = joinSpecs();
    return options;
}

void ImportDialog::schedulePlan()
{
    m_planTimer.start();
    updateButtons();
}

bool ImportDialog::isPlanning() const
{
    return m_planTimer.isActive() || m_planWatcher.isRunning();
}

bool ImportDialog::isBuilding() const
{
    return m_buildWatcher.isRunning();
}

void ImportDialog::startPlan()
{
    m_planTimer.stop();
    // A plan still running is told to stop; setFuture() stops watching it.
    m_planWatcher.cancel();
    if (m_sourceList->count() == 0) {
        m_plan.reset();
        m_preview->setLayers({}, {});
        showPlan();
        return;
    }
    m_status->setText(tr("Reading the sources…"));
    m_progress->setValue(0);
    m_progress->setVisible(true);
    updateButtons();
    m_planWatcher.setFuture(QtConcurrent::run(
        [](QPromise<ImportPlanOutcome>& promise, geo::ImportOptions options) {
            promise.setProgressRange(0, kProgressSteps);
            options.progress = [&promise](double done) {
                promise.setProgressValue(static_cast<int>(done * kProgressSteps));
                return !promise.isCanceled();
            };
            ImportPlanOutcome outcome;
            geo::IssueList issues;
            try {
                auto plan = std::make_shared<geo::ImportPlan>(geo::planImport(options, issues));
                // The preview styled by role, as the viewer draws a park.
                std::vector<std::shared_ptr<const geo::Layer>> layers;
                for (geo::Layer& layer : plan->preview) {
                    if (outcome.previewCrs.isEmpty() && !layer.crs.isEmpty())
                        outcome.previewCrs = layer.crs;
                    layers.push_back(std::make_shared<const geo::Layer>(std::move(layer)));
                }
                plan->preview.clear();
                const render::RoleStyleBook book =
                    render::RoleStyleBook::load(render::RoleStyleBook::defaultDirectory());
                outcome.preview = book.styleLayers(layers);
                outcome.plan = std::move(plan);
            } catch (const geo::Cancelled&) {
                outcome.cancelled = true;
            } catch (const geo::Error& error) {
                outcome.error = QString::fromStdString(error.what());
            } catch (const std::exception& error) {
                outcome.error = QString::fromStdString(error.what());
            }
            outcome.issues = issues.issues();
            promise.addResult(std::move(outcome));
        },
        planOptions()));
}

void ImportDialog::onPlanFinished()
{
    m_progress->setVisible(isBuilding());
    if (m_planWatcher.isCanceled() || m_planWatcher.future().resultCount() == 0) {
        updateButtons();
        return;
    }
    ImportPlanOutcome outcome = m_planWatcher.result();
    if (outcome.cancelled) {
        updateButtons();
        return;
    }
    m_plan = outcome.plan;
    if (m_plan) {
        // What the importer proposes, for layers the user has not changed.
        for (const geo::ImportedLayer& layer : m_plan->report.layers) {
            const LayerKey key{layer.source, layer.layer};
            if (!m_choices.count(key))
                m_proposals[key] = layer;
        }
        const bool hadLayers = !m_preview->layers().empty();
        const geo::Envelope view = m_preview->extent();
        const std::string oldCrs = m_preview->crs().label();
        m_preview->setLayers(std::move(outcome.preview), outcome.previewCrs);
        if (hadLayers && oldCrs == m_preview->crs().label()) {
            m_preview->setExtent(view);
        } else {
            // The park's boundary first: a layer read in the wrong CRS lies far away and would
            // shrink the park to a dot (the messages say which).
            for (std::size_t i = 0; i < m_preview->layers().size(); ++i)
                if (m_preview->layers()[i].snapshot.role == geo::Role::Boundary &&
                    !m_preview->layers()[i].snapshot.extent().isEmpty())
                    m_preview->zoomToLayer(i);
        }
    } else {
        m_preview->setLayers({}, {});
    }
    showMessages(outcome.issues, outcome.error);
    showPlan();
    emit planFinished();
}

void ImportDialog::showPlan()
{
    // Keep the selected layer selected.
    LayerKey selected;
    if (const geo::ImportedLayer* layer = plannedLayer(m_layersTable->currentRow()))
        selected = {layer->source, layer->layer};
    m_filling = true;
    m_layersTable->clearContents();
    m_layersTable->setRowCount(0);
    int selectRow = -1;
    if (m_plan) {
        const auto& layers = m_plan->report.layers;
        m_layersTable->setRowCount(static_cast<int>(layers.size()));
        for (std::size_t i = 0; i < layers.size(); ++i) {
            const geo::ImportedLayer& layer = layers[i];
            const int row = static_cast<int>(i);
            const LayerKey key{layer.source, layer.layer};
            if (key == selected)
                selectRow = row;
            auto* source = new QTableWidgetItem(fileName(layer.source));
            source->setToolTip(fromUtf8(layer.source));
            source->setData(kPlanIndexRole, static_cast<qulonglong>(i));
            m_layersTable->setItem(row, kSourceColumn, source);
            auto* name = new QTableWidgetItem(fromUtf8(layer.layer));
            name->setToolTip(layer.cad ? tr("CAD layer") : fromUtf8(layer.geometryType));
            m_layersTable->setItem(row, kLayerColumn, name);
            m_layersTable->setItem(row, kFeaturesColumn,
                                   new QTableWidgetItem(QStringLiteral("%1 → %2")
                                                            .arg(layer.featuresIn)
                                                            .arg(layer.featuresOut)));
            auto* roleBox = new QComboBox(m_layersTable);
            roleBox->setObjectName(QStringLiteral("roleBox"));
            roleBox->addItem(tr("(leave out)"), QString());
            for (const geo::Role role : geo::allRoles())
                roleBox->addItem(roleText(role), QString::fromUtf8(geo::toString(role)));
            roleBox->setCurrentIndex(
                layer.role ? roleBox->findData(QString::fromUtf8(geo::toString(*layer.role))) : 0);
            connect(roleBox, &QComboBox::currentIndexChanged, this, [this, roleBox, key] {
                if (m_filling)
                    return;
                const int at = layerRow(fromUtf8(key.first), fromUtf8(key.second));
                setLayerRole(at, geo::roleFromLayerName(roleBox->currentData().toString().toStdString()));
            });
            m_layersTable->setCellWidget(row, kRoleColumn, roleBox);
            // Why, and what was dropped.
            auto* reason = new QTableWidgetItem(saidReason(layer.roleReason) +
                                                (layer.kind.empty()
                                                     ? QString()
                                                     : tr(" (kind %1)").arg(fromUtf8(layer.kind))));
            QStringList dropped;
            std::map<std::string, std::size_t> byReason;
            for (const geo::DroppedFeature& feature : layer.dropped)
                ++byReason[feature.reason];
            for (const auto& [why, count] : byReason)
                dropped.append(tr("%n dropped: %1", nullptr, static_cast<int>(count))
                                   .arg(saidReason(why)));
            reason->setToolTip(dropped.isEmpty() ? reason->text()
                                                 : dropped.join(QLatin1Char('\n')));
            if (!dropped.isEmpty())
                reason->setText(reason->text() + QStringLiteral("; ") + dropped.join(QStringLiteral("; ")));
            m_layersTable->setItem(row, kReasonColumn, reason);
            // Fields: where each goes; for drawings, the labels inside the plots.
            QString fields;
            if (layer.cad) {
                if (layer.role && geo::takesCadLabels(*layer.role))
                    fields = tr("from the texts inside its plots");
            } else if (layer.role) {
                QStringList renamed;
                int kept = 0;
                for (const auto& [from, to] : layer.fields) {
                    if (to.empty())
                        renamed.append(tr("%1 dropped").arg(fromUtf8(from)));
                    else if (from != to)
                        renamed.append(QStringLiteral("%1→%2").arg(fromUtf8(from), fromUtf8(to)));
                    else
                        ++kept;
                }
                if (kept > 0)
                    renamed.append(tr("%n kept as named", nullptr, kept));
                fields = renamed.join(QStringLiteral(", "));
            }
            auto* fieldsItem = new QTableWidgetItem(fields);
            fieldsItem->setToolTip(layer.cad ? tr("A plot's number, land-use code, FAR, density "
                                                  "and green ratio are read from the texts inside it")
                                             : fields + QStringLiteral("\n") +
                                                   tr("Double-click to map the fields"));
            m_layersTable->setItem(row, kFieldsColumn, fieldsItem);
            m_layersTable->setItem(row, kTextsColumn,
                                   new QTableWidgetItem(layer.cad ? QString::number(layer.texts)
                                                                  : QString()));
        }
        m_layersTable->resizeColumnsToContents();
        // Long field lists are in the tooltip: the reasons stay in view.
        for (int column : {kLayerColumn, kFieldsColumn})
            m_layersTable->setColumnWidth(
                column, std::min(m_layersTable->columnWidth(column), kMaxColumnWidthPx));
        m_layersTable->horizontalHeader()->setSectionResizeMode(kReasonColumn,
                                                                QHeaderView::Stretch);
    }
    m_filling = false;
    if (selectRow >= 0)
        m_layersTable->selectRow(selectRow);

    // The CRS of the drawings.
    if (!m_plan) {
        m_crsNote->clear();
    } else if (!m_plan->crsQuestions.empty()) {
        const geo::CrsQuestion& question = m_plan->crsQuestions.front();
        QString text = tr("%1 has no coordinate system: choose one.")
                           .arg(question.layer.empty()
                                    ? fileName(question.path)
                                    : fileName(question.path) + QStringLiteral(" (") +
                                          fromUtf8(question.layer) + QLatin1Char(')'));
        if (question.proposal)
            text += QLatin1Char(' ') + tr("Its eastings carry zone %1: EPSG:%2 is proposed.")
                                           .arg(question.proposal->zone)
                                           .arg(question.proposal->epsgCgcs2000);
        else if (!question.hint.empty())
            text += QLatin1Char(' ') + fromUtf8(question.hint) + QLatin1Char('.');
        if (!m_plan->report.crs.empty())
            text += QLatin1Char(' ') + tr("The other sources are in %1.")
                                           .arg(fromUtf8(m_plan->report.crs));
        m_crsNote->setText(text);
        m_crsNote->setToolTip(fromUtf8(question.message));
    } else if (!sourceCrs().isEmpty()) {
        m_crsNote->setText(tr("Sources without a coordinate system are read in %1; the park is "
                              "in %2.")
                               .arg(sourceCrs(), fromUtf8(m_plan->report.crs)));
        m_crsNote->setToolTip({});
    } else {
        m_crsNote->setText(tr("Every source has its coordinate system; the park is in %1.")
                               .arg(fromUtf8(m_plan->report.crs)));
        m_crsNote->setToolTip({});
    }

    // What the build would write.
    if (!m_plan) {
        m_status->setText(m_sourceList->count() == 0
                              ? tr("Add the drawings, databases and folders the park comes from.")
                              : tr("The sources could not be read: see Messages."));
    } else if (!m_plan->nothingToBuild.empty()) {
        m_status->setText(tr("Nothing would be imported: no layer gives a feature to a role."));
    } else {
        QStringList written;
        for (const auto& [role, count] : m_plan->report.written)
            written.append(QStringLiteral("%1 %2").arg(fromUtf8(role)).arg(count));
        QString text = tr("Would write: %1.").arg(written.join(QStringLiteral(", ")));
        for (const std::string& role : m_plan->report.rolesFromSeveralSources)
            text += QLatin1Char(' ') +
                    tr("%1 comes from several sources: leave one out if it repeats the other.")
                        .arg(fromUtf8(role));
        m_status->setText(text);
    }
    showTexts();
    updateButtons();
}

void ImportDialog::showTexts()
{
    m_textsTable->setRowCount(0);
    if (!m_plan)
        return;
    const geo::ImportedLayer* layer = plannedLayer(m_layersTable->currentRow());
    // A layer picked: its own texts and those labelling its plots (and, for a plot layer, the
    // drawing's texts no plot took); else every text.
    std::vector<std::size_t> shown;
    for (std::size_t i = 0; i < m_plan->texts.size(); ++i) {
        const geo::PlannedText& text = m_plan->texts[i];
        if (layer) {
            if (!layer->cad || text.source != layer->source)
                continue;
            const bool own = text.layer == layer->layer || text.plotLayer == layer->layer;
            const bool stray = text.label && !text.assigned && layer->role &&
                               layer->featuresOut > 0 &&
                               geo::takesCadLabels(*layer->role);
            if (!own && !stray)
                continue;
        }
        shown.push_back(i);
        if (shown.size() >= static_cast<std::size_t>(kMaxTextsShown))
            break;
    }
    m_textsTable->setRowCount(static_cast<int>(shown.size()));
    for (std::size_t r = 0; r < shown.size(); ++r) {
        const geo::PlannedText& text = m_plan->texts[shown[r]];
        const int row = static_cast<int>(r);
        auto* item = new QTableWidgetItem(fromUtf8(text.text).replace(QLatin1Char('\n'),
                                                                      QStringLiteral(" / ")));
        item->setData(kTextIndexRole, static_cast<qulonglong>(shown[r]));
        item->setToolTip(fromUtf8(text.entity));
        m_textsTable->setItem(row, kTextColumn, item);
        m_textsTable->setItem(row, kTextLayerColumn, new QTableWidgetItem(fromUtf8(text.layer)));
        m_textsTable->setItem(row, kXColumn,
                              new QTableWidgetItem(QString::number(text.x, 'f', 2)));
        m_textsTable->setItem(row, kYColumn,
                              new QTableWidgetItem(QString::number(text.y, 'f', 2)));
        auto* status = new QTableWidgetItem(
            text.assigned ? tr("%1 on %2").arg(fromUtf8(text.plotEntity), fromUtf8(text.plotLayer))
                          : tr("not assigned: %1").arg(saidReason(text.reason)));
        if (!text.assigned)
            status->setForeground(QColor(0xb0, 0x30, 0x20));
        m_textsTable->setItem(row, kStatusColumn, status);
    }
    m_textsTable->resizeColumnsToContents();
    m_textsTable->horizontalHeader()->setSectionResizeMode(kStatusColumn, QHeaderView::Stretch);
    std::size_t unassigned = 0; // labels no plot took (road names are no labels)
    for (const geo::PlannedText& text : m_plan->texts)
        unassigned += text.label && !text.assigned ? 1 : 0;
    m_tabs->setTabText(0, tr("Texts in drawings (%1, %2 not assigned)")
                              .arg(m_plan->texts.size())
                              .arg(unassigned));
}

void ImportDialog::showMessages(const std::vector<geo::Issue>& issues, const QString& error)
{
    m_messages->clear();
    if (!error.isEmpty()) {
        auto* item = new QListWidgetItem(error, m_messages);
        item->setForeground(QColor(0xb0, 0x30, 0x20));
    }
    if (m_plan)
        for (const geo::CrsQuestion& question : m_plan->crsQuestions)
            new QListWidgetItem(fromUtf8(question.message), m_messages);
    for (const geo::Issue& issue : issues)
        new QListWidgetItem(fromUtf8(geo::formatIssue(issue, uiLanguage())), m_messages);
    m_tabs->setTabText(1, tr("Messages (%1)").arg(m_messages->count()));
    if (!error.isEmpty())
        m_tabs->setCurrentWidget(m_messages);
}

void ImportDialog::updateButtons()
{
    const bool busy = isBuilding();
    const bool ready = m_plan && m_plan->crsQuestions.empty() && m_plan->nothingToBuild.empty() &&
                       !isPlanning() && !outputPath().isEmpty();
    m_buildButton->setEnabled(ready && !busy);
    m_cancelButton->setEnabled(busy || m_planWatcher.isRunning());
    m_saveReportButton->setEnabled(m_lastReport.has_value() && !busy);
    m_openButton->setEnabled(!m_builtPath.isEmpty() && !busy);
}

// ---- Building ------------------------------------------------------------------------------

void ImportDialog::build()
{
    if (isBuilding() || !m_buildButton->isEnabled())
        return;
    geo::ImportOptions options = buildOptions();
    const QString output = outputPath();
    if (QFileInfo::exists(output)) {
        const auto answer = QMessageBox::question(
            this, tr("Replace the Park?"),
            tr("%1 exists. Replace it with the park built now?").arg(output));
        if (answer != QMessageBox::Yes)
            return;
        options.overwrite = true;
    }
    m_builtPath.clear();
    m_lastReport.reset();
    // Whole seconds: a file system may keep no finer times.
    m_buildStarted = QDateTime::currentDateTime().addSecs(-1);
    m_status->setText(tr("Building %1…").arg(QFileInfo(output).fileName()));
    m_progress->setValue(0);
    m_progress->setVisible(true);
    m_buildWatcher.setFuture(QtConcurrent::run(
        [](QPromise<ImportBuildOutcome>& promise, geo::ImportOptions options) {
            promise.setProgressRange(0, kProgressSteps);
            options.progress = [&promise](double done) {
                promise.setProgressValue(static_cast<int>(done * kProgressSteps));
                return !promise.isCanceled();
            };
            ImportBuildOutcome outcome;
            geo::IssueList issues;
            try {
                geo::importPark(options, issues, outcome.report);
                outcome.written = true;
            } catch (const geo::Cancelled&) {
                outcome.cancelled = true;
            } catch (const geo::Error& error) {
                outcome.error = QString::fromStdString(error.what());
            } catch (const std::exception& error) {
                outcome.error = QString::fromStdString(error.what());
            }
            outcome.issues = issues.issues();
            // QFuture drops the result of a cancelled future: onBuildFinished tells it apart.
            promise.addResult(std::move(outcome));
        },
        std::move(options)));
    updateButtons();
}

void ImportDialog::cancel()
{
    m_planTimer.stop();
    m_planWatcher.cancel();
    m_buildWatcher.cancel();
    updateButtons();
}

void ImportDialog::onBuildFinished()
{
    m_progress->setVisible(m_planWatcher.isRunning());
    const QString output = outputPath();
    if (m_buildWatcher.isCanceled() || m_buildWatcher.future().resultCount() == 0) {
        // Cancel may come after the park was renamed into place: then it is there.
        const QFileInfo written(output);
        if (written.exists() && written.lastModified() >= m_buildStarted) {
            m_builtPath = output;
            m_status->setText(tr("The build had finished before it could be cancelled: %1 was "
                                 "written.")
                                  .arg(written.fileName()));
        } else {
            m_status->setText(tr("Build cancelled; nothing was written."));
        }
        updateButtons();
        emit buildFinished(!m_builtPath.isEmpty());
        return;
    }
    ImportBuildOutcome outcome = m_buildWatcher.result();
    showMessages(outcome.issues, outcome.error);
    if (outcome.cancelled) {
        m_status->setText(tr("Build cancelled; nothing was written."));
        updateButtons();
        emit buildFinished(false);
        return;
    }
    std::ostringstream text;
    if (!outcome.report.layers.empty())
        geo::writeImportSummary(outcome.report, text, outcome.written, uiLanguage());
    m_reportView->setPlainText(QString::fromStdString(text.str()));
    if (!outcome.report.layers.empty())
        m_lastReport = std::move(outcome.report);
    if (outcome.written) {
        m_builtPath = output;
        m_status->setText(tr("Built %1. Open it in the viewer, or save the report.")
                              .arg(QFileInfo(output).fileName()));
        m_tabs->setCurrentWidget(m_reportView);
        m_openButton->setDefault(true);
    } else {
        m_status->setText(tr("The park could not be built: %1").arg(outcome.error));
    }
    updateButtons();
    emit buildFinished(outcome.written);
}

bool ImportDialog::saveReport(const QString& path)
{
    if (!m_lastReport)
        return false;
    try {
        geo::writeFileAtomically(path.toStdString(), [&](std::ostream& out) {
            geo::JsonWriter json(out);
            geo::writeImportReport(*m_lastReport, json);
            out << "\n";
        });
    } catch (const geo::Error& error) {
        QMessageBox::warning(this, tr("Save Import Report"), QString::fromStdString(error.what()));
        return false;
    }
    m_status->setText(tr("Report saved to %1.").arg(path));
    return true;
}

} // namespace parkatlas::desktop
