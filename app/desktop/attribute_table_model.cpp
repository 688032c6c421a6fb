#include "app/desktop/attribute_table_model.h"

#include "app/desktop/translation.h"
#include "geo/measure/units.h"
#include "geo/model/role.h"

#include <QBrush>
#include <QPalette>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

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

    const bool descending = order == Qt::DescendingOrder;
    if (column == 0) {
        std::stable_sort(rows.begin(), rows.end(), [&](std::uint32_t a, std::uint32_t b) {
            return descending ? layer.fids[a] > layer.fids[b] : layer.fids[a] < layer.fids[b];
        });
    } else if (column > 0 && column <= fieldCount) {
        const int field = column - 1;
        // Keys first (one read a row), then a sort on them; unknown values go last.
        std::vector<std::uint32_t> known;
        std::vector<std::uint32_t> unknown;
        for (const std::uint32_t row : rows)
            (attributes.isUnknown(row, field) ? unknown : known).push_back(row);
        if (isNumeric(attributes.fields()[field].type)) {
            std::vector<double> keys(count, 0.0);
            for (const std::uint32_t row : known) {
                if (attributes.fields()[field].type == geo::FieldType::Date)
                    keys[row] = attributes.date(row, field)->daysSinceEpoch;
                else
                    keys[row] = attributes.number(row, field).value_or(0.0);
            }
            std::stable_sort(known.begin(), known.end(), [&](std::uint32_t a, std::uint32_t b) {
                return descending ? keys[a] > keys[b] : keys[a] < keys[b];
            });
        } else {
            std::vector<std::string> keys(count);
            for (const std::uint32_t row : known)
                keys[row] = attributes.text(row, field);
            if (cancel.isCancelled())
                return {};
            std::stable_sort(known.begin(), known.end(), [&](std::uint32_t a, std::uint32_t b) {
                return descending ? keys[a] > keys[b] : keys[a] < keys[b];
            });
        }
        known.insert(known.end(), unknown.begin(), unknown.end());
        rows = std::move(known);
    }
    if (column == fieldCount + 1 && hasMuColumn(layer)) {
        // By area: each listed feature measured once (on the worker for a big layer).
        std::vector<double> keys(count, -1);
        try {
            geo::AreaCalculator calculator(layer.crs);
            for (std::size_t i = 0; i < rows.size(); ++i) {
                if ((i & 0xfff) == 0 && cancel.isCancelled())
                    return {};
                keys[rows[i]] = measureMu(calculator, layer, rows[i]);
            }
        } catch (const std::exception&) {
        }
        // Unmeasurable ones (-1) last either way.
        std::stable_sort(rows.begin(), rows.end(), [&](std::uint32_t a, std::uint32_t b) {
            if ((keys[a] < 0) != (keys[b] < 0))
                return keys[b] < 0;
            return descending ? keys[a] > keys[b] : keys[a] < keys[b];
        });
    }
    if (cancel.isCancelled())
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
