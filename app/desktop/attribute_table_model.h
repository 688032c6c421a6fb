#pragma once

#include "geo/measure/area.h"
#include "geo/model/layer.h"
#include "geo/progress.h"

#include <QAbstractTableModel>
#include <QFutureWatcher>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace parkatlas::desktop {

/// The rows a sort and a filter leave, in order: feature indices, and the inverse (row of each
/// feature, -1 when filtered out).
struct RowOrder {
    std::vector<std::uint32_t> features;
    std::vector<std::int32_t> rowOfFeature;
};

/// True when the table of `layer` ends with a 亩 column: polygons in a known CRS.
bool hasMuColumn(const geo::Layer& layer);

/// Computes a RowOrder: the features whose text in any column (the fid included) contains
/// `filter` (ASCII case-insensitive; "" keeps all), sorted by `column` (0: the fid; c > 0:
/// field c − 1; one past the last field: the ellipsoidal area in 亩 when hasMuColumn; -1: layer
/// order) numerically for number and date fields and by UTF-8 text
/// otherwise, unknown values last either way; ties keep layer order. Stops early (with an
/// empty result) when `cancel` is raised. Thread-safe on a finished layer.
RowOrder computeRowOrder(const geo::Layer& layer, int column, Qt::SortOrder order,
                         const std::string& filter, const geo::CancelFlag& cancel);

/// A table over a layer's AttributeTable as it is in memory: no copy of the values, data()
/// reads one cell on demand, so a layer of a million rows opens at once. Column 0 is the fid,
/// then the source's fields with their names as the source has them. Unknown values show as
/// empty cells (with a grey "unknown" tooltip), never as 0.
///
/// Sorting and filtering make a RowOrder: at once for small layers (up to
/// kSynchronousRowLimit rows), on a worker for bigger ones, the model showing the previous
/// order until the new one is ready (orderingStarted / orderingFinished). Lives on the GUI
/// thread.
class AttributeTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    static constexpr std::size_t kSynchronousRowLimit = 50000;

    explicit AttributeTableModel(QObject* parent = nullptr);
    ~AttributeTableModel() override;

    /// Shows `layer` (null: nothing), unsorted and unfiltered.
    void setLayer(std::shared_ptr<const geo::Layer> layer);
    const std::shared_ptr<const geo::Layer>& layer() const { return m_layer; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    /// Keeps the rows with `text` in any column ("" shows all).
    void setFilterText(const QString& text);
    const QString& filterText() const { return m_filter; }
    int sortColumn() const { return m_sortColumn; }

    /// The layer's feature index shown at `row`.
    std::size_t featureAt(int row) const;
    /// The row showing `feature`, or -1 when the filter hides it.
    int rowOf(std::size_t feature) const;
    /// The 亩 column, or -1 when the layer has none.
    int muColumn() const;

    /// True while a worker computes the next order.
    bool isOrdering() const { return m_watcher.isRunning(); }

signals:
    void orderingStarted();
    void orderingFinished();

private:
    void reorder();
    void applyOrder(RowOrder order);

    std::shared_ptr<const geo::Layer> m_layer;
    bool m_identity = true; // no sort, no filter: row = feature
    RowOrder m_order;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    QString m_filter;
    // Each field's header (uiFieldName) and tooltip (its own name), made when the layer is set.
    QStringList m_headers;
    QStringList m_headerTips;
    // The 亩 column's values, measured on demand (GUI thread) and kept: NaN not measured yet.
    mutable std::vector<double> m_muCache;
    mutable std::unique_ptr<geo::AreaCalculator> m_calculator;
    QFutureWatcher<RowOrder> m_watcher;
    geo::CancelFlag m_cancel;
};

} // namespace parkatlas::desktop
