#pragma once

#include "app/desktop/analysis_panel.h"
#include "geo/ledger/ledgers.h"

#include <QAbstractTableModel>
#include <QFuture>
#include <QSortFilterProxyModel>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <string>
#include <vector>

class QComboBox;
class QPlainTextEdit;
class QTableView;

namespace parkatlas::geo {
class ParkSession;
}

namespace parkatlas::desktop {

/// One table of a ledger (geo::LedgerTable) for a QTableView: the rows as shown (Amount columns
/// rounded by largest remainder, so the rows add up to the total), the total row last. The
/// display text is the engine's own (LedgerTable::shown()); SortRole gives numbers as double
/// (unknown as an invalid QVariant) and texts as QString.
class LedgerTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    static constexpr int SortRole = Qt::UserRole;
    /// True on every cell of the total row.
    static constexpr int TotalRole = Qt::UserRole + 1;

    explicit LedgerTableModel(QObject* parent = nullptr);

    /// Shows table `index` of `ledger` (nothing when null or out of range).
    void setTable(std::shared_ptr<const geo::Ledger> ledger, int index);
    /// The table shown, or null.
    const geo::LedgerTable* table() const;
    bool isTotalRow(int row) const;
    /// The column whose key is `key` (geo::LedgerColumn::key), or -1.
    int columnOf(const std::string& key) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const geo::Ledger> m_ledger;
    int m_index = -1;
    std::vector<std::vector<geo::LedgerCell>> m_cells; // shownCells(): rows, then the total
    std::vector<std::vector<std::string>> m_texts;     // shown()
};

/// Sorts a LedgerTableModel on its SortRole: numbers as numbers (unknown first), texts in the
/// locale's order; the total row stays last in either order.
class LedgerSortProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit LedgerSortProxy(QObject* parent = nullptr);

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
};

/// What a ledger run gave, made on the worker; immutable once made.
struct LedgerRun {
    std::shared_ptr<const geo::Ledger> ledger;
    QStringList issues;
    QString error;
};

/// The ledgers (台账) of the opened park: a kind (征地, 闲置土地, 工程, 供地), Run reads the
/// layers the ledger needs and builds it on a worker (progress, Cancel); a table of the ledger is
/// shown sortable, with its notes (what was unknown) under it. Export… writes the whole ledger
/// as CSV (UTF-8 with BOM) or XLSX through the ledger engine's writers, on a worker.
class LedgerPanel : public AnalysisPanel {
    Q_OBJECT
public:
    explicit LedgerPanel(QWidget* parent = nullptr);

    /// The park (its session, shared with the map and the other panels; null when none).
    /// Forgets the ledger of another park, cancelling a run.
    void setSource(std::shared_ptr<geo::ParkSession> session);

    /// The kind Run builds.
    void setKind(geo::LedgerKind kind);
    geo::LedgerKind kind() const;

    /// The ledger of the last finished run, or null.
    std::shared_ptr<const geo::Ledger> ledger() const { return m_ledger; }
    /// Shows table `index` of the ledger.
    void showTable(int index);
    /// The kind of the ledger shown (its own, not the kind picked for the next run).
    geo::LedgerKind shownKind() const;

    LedgerTableModel* model() const { return m_model; }
    LedgerSortProxy* proxy() const { return m_proxy; }
    QTableView* view() const { return m_view; }

signals:
    /// One click on row `row` of the table shown (the model's row: the ledger table's row, or
    /// its rows' count for the total row): the window shows what it sums on the map.
    void rowClicked(int row);

protected:
    QFuture<void> startJob() override;
    QString runningText() const override;
    void acceptResult() override;
    void clearResult() override;
    bool canExport() const override { return m_ledger != nullptr; }
    void exportDialog() override;
    QFuture<QString> startExport(const QString& path) override;
    void updateButtons() override;

private:
    QComboBox* m_kind;
    QComboBox* m_tables;
    QTableView* m_view;
    QPlainTextEdit* m_notes;
    LedgerTableModel* m_model;
    LedgerSortProxy* m_proxy;
    QFuture<LedgerRun> m_job;
    std::shared_ptr<const geo::Ledger> m_ledger;
};

} // namespace parkatlas::desktop
