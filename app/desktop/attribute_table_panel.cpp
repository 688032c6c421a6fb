#include "app/desktop/attribute_table_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QGuiApplication>
#include <QHeaderView>
#include <QItemSelection>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace parkatlas::desktop {

AttributeTablePanel::AttributeTablePanel(QWidget* parent)
    : QWidget(parent), m_layerChooser(new QComboBox(this)), m_filter(new QLineEdit(this)),
      m_count(new QLabel(this)), m_view(new QTableView(this)),
      m_model(new AttributeTableModel(this))
{
    m_layerChooser->setObjectName(QStringLiteral("attributeLayerChooser"));
    m_filter->setObjectName(QStringLiteral("attributeFilter"));
    m_count->setObjectName(QStringLiteral("attributeCount"));
    m_view->setObjectName(QStringLiteral("attributeTable"));
    m_filter->setPlaceholderText(tr("Filter: text in any column"));
    m_filter->setClearButtonEnabled(true);

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Layer:"), this));
    bar->addWidget(m_layerChooser, 1);
    bar->addWidget(m_filter, 2);
    bar->addWidget(m_count);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_view);

    m_view->setModel(m_model);
    m_view->setSortingEnabled(true);
    m_view->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed); // no per-row measuring
    m_view->horizontalHeader()->setDefaultSectionSize(110);

    m_filterTimer.setSingleShot(true);
    m_filterTimer.setInterval(250);
    connect(m_filter, &QLineEdit::textChanged, &m_filterTimer, qOverload<>(&QTimer::start));
    connect(&m_filterTimer, &QTimer::timeout, this,
            [this] { m_model->setFilterText(m_filter->text()); });
    connect(m_layerChooser, &QComboBox::currentIndexChanged, this, [this](int row) {
        if (row >= 0)
            showLayer(static_cast<std::size_t>(m_layerChooser->itemData(row).toInt()));
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AttributeTablePanel::onViewSelectionChanged);
    // One plain click on a row shows its feature on the map (Ctrl and Shift only select).
    connect(m_view, &QTableView::clicked, this, [this](const QModelIndex& index) {
        if (m_currentLayer >= 0 && index.isValid() &&
            QGuiApplication::keyboardModifiers() == Qt::NoModifier)
            emit featureActivated(static_cast<std::size_t>(m_currentLayer),
                                  m_model->featureAt(index.row()));
    });
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (m_currentLayer >= 0 && index.isValid())
            emit featureActivated(static_cast<std::size_t>(m_currentLayer),
                                  m_model->featureAt(index.row()));
    });
    // A new order moves the rows: show the map's selection on them again.
    connect(m_model, &AttributeTableModel::orderingFinished, this, [this] {
        setSelectedFeatures(std::vector<std::uint32_t>(m_selected));
        updateCount();
    });
    connect(m_model, &AttributeTableModel::orderingStarted, this,
            [this] { m_count->setText(tr("sorting…")); });
    updateCount();
}

void AttributeTablePanel::setLayers(const std::vector<std::shared_ptr<const geo::Layer>>& layers)
{
    m_layers = layers;
    m_currentLayer = -1;
    m_selected.clear();
    const QSignalBlocker blocker(m_layerChooser);
    m_layerChooser->clear();
    for (std::size_t i = layers.size(); i-- > 0;)
        m_layerChooser->addItem(QString::fromStdString(layers[i]->name), static_cast<int>(i));
    m_model->setLayer(nullptr);
    if (!layers.empty())
        showLayer(layers.size() - 1);
    updateCount();
}

void AttributeTablePanel::showLayer(std::size_t index)
{
    if (index >= m_layers.size() || static_cast<int>(index) == m_currentLayer)
        return;
    m_currentLayer = static_cast<int>(index);
    {
        const QSignalBlocker blocker(m_layerChooser);
        m_layerChooser->setCurrentIndex(m_layerChooser->findData(static_cast<int>(index)));
    }
    m_selected.clear();
    const QSignalBlocker blocker(m_filter);
    m_filter->clear();
    m_view->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_model->setLayer(m_layers[index]);
    updateCount();
}

void AttributeTablePanel::setSelectedFeatures(const std::vector<std::uint32_t>& features)
{
    m_selected = features;
    // Rows in order, merged into ranges: one range for a block of neighbours, so selecting
    // thousands of features stays cheap.
    std::vector<int> rows;
    rows.reserve(features.size());
    for (const std::uint32_t feature : features)
        if (const int row = m_model->rowOf(feature); row >= 0)
            rows.push_back(row);
    std::sort(rows.begin(), rows.end());
    QItemSelection selection;
    const int lastColumn = std::max(0, m_model->columnCount() - 1);
    for (std::size_t i = 0; i < rows.size();) {
        std::size_t j = i;
        while (j + 1 < rows.size() && rows[j + 1] == rows[j] + 1)
            ++j;
        selection.select(m_model->index(rows[i], 0), m_model->index(rows[j], lastColumn));
        i = j + 1;
    }
    m_applyingSelection = true;
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!rows.empty())
        m_view->scrollTo(m_model->index(rows.front(), 0));
    m_applyingSelection = false;
    updateCount();
}

void AttributeTablePanel::onViewSelectionChanged()
{
    if (m_applyingSelection || m_currentLayer < 0)
        return;
    std::vector<std::uint32_t> features;
    for (const QItemSelectionRange& range : m_view->selectionModel()->selection())
        for (int row = range.top(); row <= range.bottom(); ++row)
            features.push_back(static_cast<std::uint32_t>(m_model->featureAt(row)));
    std::sort(features.begin(), features.end());
    features.erase(std::unique(features.begin(), features.end()), features.end());
    m_selected = features;
    updateCount();
    emit selectionEdited(static_cast<std::size_t>(m_currentLayer), features);
}

void AttributeTablePanel::updateCount()
{
    const auto& layer = m_model->layer();
    if (!layer) {
        m_count->clear();
        return;
    }
    const QLocale locale;
    const QString shown = locale.toString(m_model->rowCount());
    const QString total = locale.toString(static_cast<qlonglong>(layer->featureCount()));
    const QString selected = locale.toString(static_cast<qlonglong>(m_selected.size()));
    m_count->setText(tr("%1 of %2 rows, %3 selected").arg(shown, total, selected));
}

} // namespace parkatlas::desktop
