#include "app/desktop/attribute_table_model.h"

#include "app/desktop/translation.h"
#include "geo/model/role.h"
#include "geo/parallel.h"
#include "geo/units.h"

#include <QBrush>
#include <QPalette>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <string_view>

namespace parkatlas::desktop {

namespace {

std::string asciiLower(std::string text)
{
    for (char& c : text)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return text;
}

bool isNumeric(geo::FieldType type)
{
    return type == geo::FieldType::Integer || type == geo::FieldType::Real ||
           type == geo::FieldType::Date;
}

/// The ellipsoidal area of `feature` in 亩, -1 when it cannot be measured.
double measureMu(geo::AreaCalculator& calculator, const geo::Layer& layer, std::size_t feature)
{
    try {
        return geo::muFromM2(calculator.areaM2(layer.geometry, feature, layer.fids[feature]));
    } catch (const std::exception&) {
        return -1;
    }
}

} // namespace

bool hasMuColumn(const geo::Layer& layer)
{
    return layer.geometry.kind() == geo::GeometryKind::Polygon && !layer.crs.isEmpty();
}

namespace {

/// A row and its sort key.
template <typename Key> struct Keyed {
    Key key;
    std::uint32_t row;
};

/// Sorts `keyed` by key (descending when asked), ties in row order, on both cores: each
/// worker sorts a contiguous share, then the shares are merged. Equal to a stable sort of the
/// rows by their keys.
template <typename Key>
void sortKeyed(std::vector<Keyed<Key>>& keyed, bool descending, const geo::CancelFlag& cancel)
{
    const auto less = [descending](const Keyed<Key>& a, const Keyed<Key>& b) {
        if (a.key < b.key)
            return !descending;
        if (b.key < a.key)
            return descending;
        return a.row < b.row;
    };
    const unsigned threads = geo::workerCount(keyed.size(), 0, 50000);
    std::vector<std::size_t> bounds;
    for (unsigned t = 0; t <= threads; ++t)
        bounds.push_back(keyed.size() * t / threads);
    geo::ParallelOptions options;
    options.threads = threads;
    options.chunk = 1;
    options.cancel = cancel;
    geo::parallelFor(threads, options, [&](unsigned, std::size_t begin, std::size_t end) {
        for (std::size_t part = begin; part < end; ++part)
            std::sort(keyed.begin() + static_cast<std::ptrdiff_t>(bounds[part]),
                      keyed.begin() + static_cast<std::ptrdiff_t>(bounds[part + 1]), less);
    });
    // Merge neighbouring shares until one is left.
    for (std::size_t width = 1; width < threads; width *= 2)
        for (std::size_t part = 0; part + width < threads; part += 2 * width) {
            const std::size_t last = std::min<std::size_t>(part + 2 * width, threads);
            std::inplace_merge(keyed.begin() + static_cast<std::ptrdiff_t>(bounds[part]),
                               keyed.begin() + static_cast<std::ptrdiff_t>(bounds[part + width]),
                               keyed.begin() + static_cast<std::ptrdiff_t>(bounds[last]), less);
        }
}

/// `rows` sorted by key(row) (nullopt: unknown, last either way), ties in layer order.
template <typename Key, typename KeyOf>
bool sortRowsBy(std::vector<std::uint32_t>& rows, bool descending, const geo::CancelFlag& cancel,
                KeyOf&& keyOf)
{
    std::vector<Keyed<Key>> keyed;
    keyed.reserve(rows.size());
    std::vector<std::uint32_t> unknown;
    for (const std::uint32_t row : rows) {
        if (std::optional<Key> key = keyOf(row))
            keyed.push_back({std::move(*key), row});
        else
            unknown.push_back(row);
    }
    if (cancel.isCancelled())
        return false;
    try {
        sortKeyed(keyed, descending, cancel);
    } catch (const geo::Cancelled&) {
        return false;
    }
    rows.clear();
    for (const Keyed<Key>& entry : keyed)
        rows.push_back(entry.row);
    rows.insert(rows.end(), unknown.begin(), unknown.end());
    return true;
}

} // namespace

RowOrder computeRowOrder(const geo::Layer& layer, int column, Qt::SortOrder order,
                         const std::string& filter, const geo::CancelFlag& cancel)
{
    RowOrder result;
    const std::size_t count = layer.featureCount();
    const geo::AttributeTable& attributes = layer.attributes;
    const int fieldCount = static_cast<int>(attributes.fields().size());
    std::vector<std::uint32_t>& rows = result.features;
    rows.reserve(count);
    const std::string needle = asciiLower(filter);
    for (std::size_t feature = 0; feature < count; ++feature) {
        if (!needle.empty()) {
            if ((feature & 0xfff) == 0 && cancel.isCancelled())
                return {};
            bool match = std::to_string(layer.fids[feature]).find(needle) != std::string::npos;
            for (int field = 0; !match && field < fieldCount; ++field)
                match =
                    asciiLower(attributes.text(feature, field)).find(needle) != std::string::npos;
            if (!match)
                continue;
        }
        rows.push_back(static_cast<std::uint32_t>(feature));
    }
    if (cancel.isCancelled())
        return {};

    // Typed keys (integers, reals, day numbers, views on the stored text), read once a row and
    // sorted with their rows: no string is copied and no QVariant made.
    const bool descending = order == Qt::DescendingOrder;
    bool sorted = true;
    if (column == 0) {
        sorted = sortRowsBy<std::int64_t>(rows, descending, cancel, [&](std::uint32_t row) {
            return std::optional<std::int64_t>(layer.fids[row]);
        });
    } else if (column > 0 && column <= fieldCount) {
        const int field = column - 1;
        switch (attributes.fields()[field].type) {
        case geo::FieldType::Integer:
            sorted = sortRowsBy<std::int64_t>(rows, descending, cancel, [&](std::uint32_t row) {
                return attributes.integer(row, field);
            });
            break;
        case geo::FieldType::Real:
            sorted = sortRowsBy<double>(rows, descending, cancel,
                                        [&](std::uint32_t row) -> std::optional<double> {
                                            const auto value = attributes.number(row, field);
                                            if (!value || std::isnan(*value))
                                                return std::nullopt;
                                            return value;
                                        });
            break;
        case geo::FieldType::Date:
            sorted = sortRowsBy<std::int32_t>(rows, descending, cancel,
                                              [&](std::uint32_t row) -> std::optional<std::int32_t> {
                                                  if (attributes.isUnknown(row, field))
                                                      return std::nullopt;
                                                  const auto date = attributes.date(row, field);
                                                  if (!date)
                                                      return std::nullopt;
                                                  return date->daysSinceEpoch;
                                              });
            break;
        case geo::FieldType::String:
            sorted = sortRowsBy<std::string_view>(
                rows, descending, cancel, [&](std::uint32_t row) -> std::optional<std::string_view> {
                    if (attributes.isUnknown(row, field))
                        return std::nullopt;
                    return attributes.textView(row, field);
                });
            break;
        }
    } else if (column == fieldCount + 1 && hasMuColumn(layer)) {
        // By area: each listed feature measured once, on both cores (a calculator, and so a
        // PROJ context, per worker); unmeasurable ones (-1) last either way.
        std::vector<double> keys(count, -1);
        const unsigned threads = geo::workerCount(rows.size(), 0, 20000);
        geo::ParallelOptions options;
        options.threads = threads;
        options.chunk = 4096;
        options.cancel = cancel;
        std::vector<std::unique_ptr<geo::AreaCalculator>> calculators(threads);
        try {
            geo::parallelFor(rows.size(), options,
                             [&](unsigned worker, std::size_t begin, std::size_t end) {
                                 std::unique_ptr<geo::AreaCalculator>& calculator =
                                     calculators[worker];
                                 if (!calculator)
                                     calculator = std::make_unique<geo::AreaCalculator>(layer.crs);
                                 for (std::size_t i = begin; i < end; ++i)
                                     keys[rows[i]] = measureMu(*calculator, layer, rows[i]);
                             });
        } catch (const geo::Cancelled&) {
            return {};
        } catch (const std::exception&) {
        }
        sorted = sortRowsBy<double>(rows, descending, cancel,
                                    [&](std::uint32_t row) -> std::optional<double> {
                                        if (!(keys[row] >= 0))
                                            return std::nullopt;
                                        return keys[row];
                                    });
    }
    if (!sorted || cancel.isCancelled())
        return {};
    result.rowOfFeature.assign(count, -1);
    for (std::size_t row = 0; row < rows.size(); ++row)
        result.rowOfFeature[rows[row]] = static_cast<std::int32_t>(row);
    return result;
}

AttributeTableModel::AttributeTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
    connect(&m_watcher, &QFutureWatcher<RowOrder>::finished, this, [this] {
        if (m_watcher.isCanceled() || m_watcher.future().resultCount() == 0)
            return;
        applyOrder(m_watcher.result());
    });
}

AttributeTableModel::~AttributeTableModel()
{
    m_cancel.cancel(); // the worker holds its own copy of the layer and of the flag
}

void AttributeTableModel::setLayer(std::shared_ptr<const geo::Layer> layer)
{
    m_cancel.cancel();
    m_cancel = geo::CancelFlag();
    beginResetModel();
    m_layer = std::move(layer);
    m_identity = true;
    m_order = {};
    m_sortColumn = -1;
    m_sortOrder = Qt::AscendingOrder;
    m_filter.clear();
    m_muCache.assign(m_layer && hasMuColumn(*m_layer) ? m_layer->featureCount() : 0,
                     std::numeric_limits<double>::quiet_NaN());
    m_calculator.reset();
    // Column headers in the interface's language, as the attribute form names the fields.
    m_headers.clear();
    m_headerTips.clear();
    if (m_layer) {
        const std::optional<geo::Role> layerRole = geo::roleFromLayerName(m_layer->name);
        const std::vector<std::string> contractOf =
            contractFieldsOf(m_layer->attributes, layerRole);
        for (std::size_t f = 0; f < contractOf.size(); ++f) {
            const std::string& name = m_layer->attributes.fields()[f].name;
            m_headers.push_back(uiFieldName(name, contractOf[f], layerRole));
            m_headerTips.push_back(QString::fromStdString(
                contractOf[f].empty() || contractOf[f] == name ? name
                                                               : name + " → " + contractOf[f]));
        }
    }
    endResetModel();
}

int AttributeTableModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_layer)
        return 0;
    return static_cast<int>(m_identity ? m_layer->featureCount() : m_order.features.size());
}

int AttributeTableModel::columnCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_layer)
        return 0;
    return 1 + static_cast<int>(m_layer->attributes.fields().size()) +
           (hasMuColumn(*m_layer) ? 1 : 0);
}

int AttributeTableModel::muColumn() const
{
    return m_layer && hasMuColumn(*m_layer)
               ? 1 + static_cast<int>(m_layer->attributes.fields().size())
               : -1;
}

std::size_t AttributeTableModel::featureAt(int row) const
{
    return m_identity ? static_cast<std::size_t>(row) : m_order.features.at(row);
}

int AttributeTableModel::rowOf(std::size_t feature) const
{
    if (!m_layer || feature >= m_layer->featureCount())
        return -1;
    return m_identity ? static_cast<int>(feature) : m_order.rowOfFeature[feature];
}

QVariant AttributeTableModel::data(const QModelIndex& index, int role) const
{
    if (!m_layer || !index.isValid() || index.row() >= rowCount())
        return {};
    const std::size_t feature = featureAt(index.row());
    const int field = index.column() - 1;
    if (index.column() == muColumn()) {
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue<int>(Qt::AlignRight | Qt::AlignVCenter);
        if (role != Qt::DisplayRole)
            return {};
        double& mu = m_muCache[feature];
        if (std::isnan(mu)) {
            try {
                if (!m_calculator)
                    m_calculator = std::make_unique<geo::AreaCalculator>(m_layer->crs);
                mu = measureMu(*m_calculator, *m_layer, feature);
            } catch (const std::exception&) {
                mu = -1;
            }
        }
        return mu < 0 ? QString() : QString::fromStdString(geo::formatForDisplay(mu));
    }
    const geo::AttributeTable& attributes = m_layer->attributes;
    switch (role) {
    case Qt::DisplayRole:
        if (field < 0)
            return QVariant::fromValue<qlonglong>(m_layer->fids[feature]);
        return QString::fromStdString(attributes.text(feature, field));
    case Qt::ToolTipRole:
        if (field >= 0 && attributes.isUnknown(feature, field))
            return tr("unknown");
        return {};
    case Qt::TextAlignmentRole:
        if (field < 0 || (attributes.fields()[field].type != geo::FieldType::String &&
                          attributes.fields()[field].type != geo::FieldType::Date))
            return QVariant::fromValue<int>(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::BackgroundRole:
        if (field >= 0 && attributes.isUnknown(feature, field))
            return QBrush(QColor(240, 240, 240));
        return {};
    default:
        return {};
    }
}

QVariant AttributeTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    // The field's own name (and the contract field it stands for) in the tooltip.
    if (role == Qt::ToolTipRole && m_layer && orientation == Qt::Horizontal && section > 0 &&
        section != muColumn())
        return m_headerTips.at(static_cast<std::size_t>(section - 1));
    if (role != Qt::DisplayRole || !m_layer)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (orientation == Qt::Vertical)
        return section + 1;
    if (section == 0)
        return QStringLiteral("fid");
    if (section == muColumn())
        return tr("Area (mu)");
    return m_headers.at(static_cast<std::size_t>(section - 1));
}

void AttributeTableModel::sort(int column, Qt::SortOrder order)
{
    m_sortColumn = column;
    m_sortOrder = order;
    reorder();
}

void AttributeTableModel::setFilterText(const QString& text)
{
    if (text == m_filter)
        return;
    m_filter = text;
    reorder();
}

void AttributeTableModel::reorder()
{
    if (!m_layer)
        return;
    m_cancel.cancel();
    m_cancel = geo::CancelFlag();
    if (m_sortColumn < 0 && m_filter.isEmpty()) {
        applyOrder({});
        return;
    }
    const std::string filter = m_filter.toStdString();
    if (m_layer->featureCount() <= kSynchronousRowLimit) {
        applyOrder(computeRowOrder(*m_layer, m_sortColumn, m_sortOrder, filter, m_cancel));
        return;
    }
    emit orderingStarted();
    m_watcher.setFuture(QtConcurrent::run(
        [layer = m_layer, column = m_sortColumn, order = m_sortOrder, filter, cancel = m_cancel]() {
            return computeRowOrder(*layer, column, order, filter, cancel);
        }));
}

void AttributeTableModel::applyOrder(RowOrder order)
{
    emit layoutAboutToBeChanged();
    // Keep persistent indexes (the view's current cell) on their features where still shown.
    const QModelIndexList before = persistentIndexList();
    std::vector<std::size_t> features;
    for (const QModelIndex& index : before)
        features.push_back(featureAt(index.row()));
    m_identity = m_sortColumn < 0 && m_filter.isEmpty();
    m_order = m_identity ? RowOrder{} : std::move(order);
    QModelIndexList after;
    for (int i = 0; i < before.size(); ++i) {
        const int row = rowOf(features[static_cast<std::size_t>(i)]);
        after.append(row < 0 ? QModelIndex() : this->index(row, before[i].column()));
    }
    changePersistentIndexList(before, after);
    emit layoutChanged();
    emit orderingFinished();
}

} // namespace parkatlas::desktop
