#include "app/desktop/ledger_panel.h"

#include "app/desktop/save_dialog.h"
#include "app/desktop/translation.h"

#include "geo/io/atomic_file.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/model/issue_text.h"
#include "geo/model/park.h"
#include "geo/progress.h"
#include "geo/session/park_session.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFont>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>

namespace parkatlas::desktop {

namespace {

/// The ledger on the worker: reads the layers it needs (90 % of the progress), then builds it.
void runLedgerJob(QPromise<LedgerRun>& promise, const std::shared_ptr<geo::ParkSession>& session,
                  geo::LedgerKind kind)
{
    runAnalysisJob(
        promise,
        [&](LedgerRun& run) {
            // The job's issues come back with its result (those of the layers it used too).
            geo::NullIssueSink streamed;
            session->park(geo::rolesFor(kind), streamed, analysisProgress(promise, 0.0, 0.9));
            if (promise.isCanceled())
                throw geo::Cancelled();
            auto built = session->ledger(kind, geo::LedgerOptions{}, streamed);
            run.ledger = std::make_shared<const geo::Ledger>(std::move(built.value));
            if (promise.isCanceled())
                throw geo::Cancelled();
            return std::move(built.issues);
        },
        [&] { return session->readIssues(geo::rolesFor(kind)); });
}

QString exportLedger(const QString& path, std::shared_ptr<const geo::Ledger> ledger)
{
    try {
        if (QFileInfo(path).suffix().compare(QLatin1String("xlsx"), Qt::CaseInsensitive) == 0) {
            geo::writeLedgerXlsx(path.toStdString(), *ledger);
            return {};
        }
        // Written under a hidden name and renamed when complete: a failed or interrupted
        // export never leaves a half-written file, and an old one is kept.
        geo::writeFileAtomically(path.toStdString(),
                                 [&](std::ostream& out) { geo::writeLedgerCsv(out, *ledger); });
        return {};
    } catch (const std::exception& error) {
        return QString::fromStdString(error.what());
    }
}

double numberOf(const geo::LedgerCell& cell)
{
    if (const double* d = std::get_if<double>(&cell))
        return *d;
    if (const std::int64_t* i = std::get_if<std::int64_t>(&cell))
        return static_cast<double>(*i);
    return std::nan("");
}

} // namespace

// LedgerTableModel

LedgerTableModel::LedgerTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void LedgerTableModel::setTable(std::shared_ptr<const geo::Ledger> ledger, int index)
{
    beginResetModel();
    m_ledger = std::move(ledger);
    m_index = m_ledger && index >= 0 && static_cast<std::size_t>(index) < m_ledger->tables.size()
                  ? index
                  : -1;
    m_cells.clear();
    m_texts.clear();
    if (const geo::LedgerTable* shown = table()) {
        m_cells = shown->shownCells();
        m_texts = shown->shown();
    }
    endResetModel();
}

const geo::LedgerTable* LedgerTableModel::table() const
{
    return m_index >= 0 ? &m_ledger->tables[static_cast<std::size_t>(m_index)] : nullptr;
}

bool LedgerTableModel::isTotalRow(int row) const
{
    const geo::LedgerTable* shown = table();
    return shown && !shown->total.empty() && row == rowCount() - 1;
}

int LedgerTableModel::columnOf(const std::string& key) const
{
    if (const geo::LedgerTable* shown = table())
        for (std::size_t c = 0; c < shown->columns.size(); ++c)
            if (shown->columns[c].key == key)
                return static_cast<int>(c);
    return -1;
}

int LedgerTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_texts.size());
}

int LedgerTableModel::columnCount(const QModelIndex& parent) const
{
    const geo::LedgerTable* shown = table();
    return parent.isValid() || !shown ? 0 : static_cast<int>(shown->columns.size());
}

QVariant LedgerTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount())
        return {};
    const auto row = static_cast<std::size_t>(index.row());
    const auto column = static_cast<std::size_t>(index.column());
    const geo::LedgerColumn& spec = table()->columns[column];
    const bool text = spec.kind == geo::LedgerColumn::Kind::Text;
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        return QString::fromStdString(m_texts[row][column]);
    case Qt::TextAlignmentRole:
        return (Qt::AlignVCenter | (text ? Qt::AlignLeft : Qt::AlignRight)).toInt();
    case Qt::FontRole:
        if (isTotalRow(index.row())) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case SortRole: {
        const geo::LedgerCell& cell = m_cells[row][column];
        if (const std::string* s = std::get_if<std::string>(&cell))
            return QString::fromStdString(*s);
        const double value = numberOf(cell);
        return std::isnan(value) ? QVariant() : QVariant(value);
    }
    case TotalRole:
        return isTotalRow(index.row());
    default:
        return {};
    }
}

QVariant LedgerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical || section < 0 || section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    const geo::LedgerColumn& column = table()->columns[static_cast<std::size_t>(section)];
    if (role == Qt::DisplayRole)
        return QString::fromStdString(column.header);
    if (role == Qt::ToolTipRole)
        return QString::fromStdString(column.key);
    return {};
}

// LedgerSortProxy

LedgerSortProxy::LedgerSortProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(LedgerTableModel::SortRole);
}

bool LedgerSortProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    // The total row is last whichever way the rows are sorted: in descending order the view
    // places a row first when lessThan(other, row), so the total must then be the "smallest".
    const bool leftTotal = left.data(LedgerTableModel::TotalRole).toBool();
    const bool rightTotal = right.data(LedgerTableModel::TotalRole).toBool();
    if (leftTotal || rightTotal) {
        if (leftTotal == rightTotal)
            return false;
        return leftTotal == (sortOrder() == Qt::DescendingOrder);
    }
    const QVariant a = left.data(sortRole());
    const QVariant b = right.data(sortRole());
    // Unknown before everything known.
    if (!a.isValid() || !b.isValid())
        return !a.isValid() && b.isValid();
    const bool aNumber = a.typeId() == QMetaType::Double;
    const bool bNumber = b.typeId() == QMetaType::Double;
    if (aNumber && bNumber)
        return a.toDouble() < b.toDouble();
    if (aNumber != bNumber)
        return aNumber; // numbers before texts in a mixed column
    return a.toString().localeAwareCompare(b.toString()) < 0;
}

// LedgerPanel

LedgerPanel::LedgerPanel(QWidget* parent)
    : AnalysisPanel(true, parent), m_kind(new QComboBox(this)), m_tables(new QComboBox(this)),
      m_view(new QTableView(this)), m_notes(new QPlainTextEdit(this)),
      m_model(new LedgerTableModel(this)), m_proxy(new LedgerSortProxy(this))
{
    m_kind->setObjectName(QStringLiteral("ledgerKind"));
    nameControls(QStringLiteral("ledgerRunButton"), QStringLiteral("ledgerCancelButton"),
                 QStringLiteral("ledgerExportButton"), QStringLiteral("ledgerProgress"),
                 QStringLiteral("ledgerSummary"));
    m_tables->setObjectName(QStringLiteral("ledgerTables"));
    m_view->setObjectName(QStringLiteral("ledgerView"));
    m_notes->setObjectName(QStringLiteral("ledgerNotes"));

    const std::pair<geo::LedgerKind, QString> kinds[] = {
        {geo::LedgerKind::Acquisition, tr("Land acquisition")},
        {geo::LedgerKind::Idle, tr("Idle land")},
        {geo::LedgerKind::Works, tr("Works")},
        {geo::LedgerKind::Supply, tr("Land supply")},
        {geo::LedgerKind::StandardLand, tr("Standard-land contracts")}};
    for (const auto& [kind, name] : kinds)
        m_kind->addItem(name, static_cast<int>(kind));
    m_kind->setToolTip(tr("The ledger to build"));
    // The longest kind's name must not widen the dock (and narrow the map): the box shows what
    // fits, the list shows every name in full.
    m_kind->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_kind->setMinimumContentsLength(10);
    m_tables->setToolTip(tr("The table of the ledger shown"));
    m_tables->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_tables->setMinimumContentsLength(12);
    // A few lines under the table, scrolled when there are more: a word-wrapped label would
    // make the dock (and the window) as tall as its text.
    m_notes->setReadOnly(true);
    m_notes->setMinimumHeight(36);
    m_notes->setMaximumHeight(6 * m_notes->fontMetrics().lineSpacing());
    m_notes->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    m_proxy->setSourceModel(m_model);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // the engine's order until a header is clicked
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->setVisible(false);
    m_view->setMinimumHeight(40);

    controlsLayout()->insertWidget(0, m_kind);
    arrange(m_tables, m_view)->addWidget(m_notes);

    connect(m_tables, &QComboBox::currentIndexChanged, this, &LedgerPanel::showTable);
    connect(m_view, &QTableView::clicked, this, [this](const QModelIndex& index) {
        const QModelIndex source = m_proxy->mapToSource(index);
        if (source.isValid())
            emit rowClicked(source.row());
    });
    updateButtons();
}

void LedgerPanel::setSource(std::shared_ptr<geo::ParkSession> session)
{
    setSession(std::move(session));
}

void LedgerPanel::clearResult()
{
    m_ledger.reset();
    {
        const QSignalBlocker blocker(m_tables);
        m_tables->clear();
    }
    m_model->setTable(nullptr, -1);
    m_notes->clear();
}

void LedgerPanel::setKind(geo::LedgerKind kind)
{
    m_kind->setCurrentIndex(m_kind->findData(static_cast<int>(kind)));
}

geo::LedgerKind LedgerPanel::kind() const
{
    return static_cast<geo::LedgerKind>(m_kind->currentData().toInt());
}

QFuture<void> LedgerPanel::startJob()
{
    m_job = QtConcurrent::run(runLedgerJob, session(), kind());
    return QFuture<void>(m_job);
}

QString LedgerPanel::runningText() const
{
    return tr("Building the %1 ledger of %2…")
        .arg(m_kind->currentText(), QFileInfo(source()).fileName());
}

void LedgerPanel::acceptResult()
{
    const LedgerRun result = m_job.result();
    m_ledger = result.ledger;
    {
        const QSignalBlocker blocker(m_tables);
        m_tables->clear();
        if (m_ledger)
            for (const geo::LedgerTable& table : m_ledger->tables)
                m_tables->addItem(QString::fromStdString(table.title));
    }
    showTable(m_ledger && !m_ledger->tables.empty() ? 0 : -1);
    const bool failed = !result.error.isEmpty();
    if (failed) {
        showSummary(tr("The ledger failed: %1").arg(result.error));
    } else if (m_ledger) {
        showSummary(tr("%1 — %2").arg(QString::fromStdString(m_ledger->title),
                                      QString::fromStdString(m_ledger->park)));
    }
    endRun(runMessages(result.issues, failed));
}

void LedgerPanel::showTable(int index)
{
    m_view->sortByColumn(-1, Qt::AscendingOrder);
    m_model->setTable(m_ledger, index);
    if (m_tables->currentIndex() != index) {
        const QSignalBlocker blocker(m_tables);
        m_tables->setCurrentIndex(index);
    }
    QStringList notes;
    if (const geo::LedgerTable* table = m_model->table())
        for (const std::string& note : table->notes)
            notes.append(QString::fromStdString(note));
    if (m_ledger)
        for (const std::string& note : m_ledger->notes)
            notes.append(QString::fromStdString(note));
    m_notes->setPlainText(notes.join(QLatin1Char('\n')));
    m_view->resizeColumnsToContents();
}

geo::LedgerKind LedgerPanel::shownKind() const
{
    if (m_ledger)
        if (const auto kind = geo::ledgerKindFromString(m_ledger->kind))
            return *kind;
    return kind();
}

void LedgerPanel::exportDialog()
{
    if (!m_ledger)
        return;
    const QString path =
        askSavePath(this, tr("Export ledger"),
                    QStringLiteral("ledger-") + QString::fromStdString(m_ledger->kind),
                    {{tr("CSV, UTF-8 (*.csv)"), QStringLiteral("csv")},
                     {tr("Excel workbook (*.xlsx)"), QStringLiteral("xlsx")}});
    if (!path.isEmpty())
        exportTo(path);
}

QFuture<QString> LedgerPanel::startExport(const QString& path)
{
    return QtConcurrent::run(exportLedger, path, m_ledger);
}

void LedgerPanel::updateButtons()
{
    AnalysisPanel::updateButtons();
    m_kind->setEnabled(!isRunning());
}

} // namespace parkatlas::desktop
