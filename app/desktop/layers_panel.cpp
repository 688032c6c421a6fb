#include "app/desktop/layers_panel.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMimeData>
#include <QPainter>
#include <QPixmap>
#include <QSlider>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <functional>

namespace parkatlas::desktop {

namespace {

constexpr int kIndexRole = Qt::UserRole + 1;
constexpr int kOpacityRole = Qt::UserRole + 2;

/// A small picture of the layer's style, as a legend entry.
QIcon styleIcon(const render::LayerSnapshot& snapshot)
{
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const render::LayerStyle& style = snapshot.style;
    QPen pen(style.stroke, std::min(2.0, std::max(1.0, style.strokeWidth)), style.strokeStyle);
    painter.setPen(pen);
    if (snapshot.isRaster()) {
        painter.fillRect(QRectF(2, 2, 6, 6), QColor(120, 150, 90));
        painter.fillRect(QRectF(8, 2, 6, 6), QColor(170, 160, 130));
        painter.fillRect(QRectF(2, 8, 6, 6), QColor(150, 140, 120));
        painter.fillRect(QRectF(8, 8, 6, 6), QColor(90, 120, 70));
        return QIcon(pixmap);
    }
    switch (snapshot.layer->geometry.kind()) {
    case geo::GeometryKind::Polygon:
        painter.setBrush(QBrush(style.fill, style.fillPattern));
        painter.drawRect(QRectF(2.5, 2.5, 11, 11));
        break;
    case geo::GeometryKind::Line:
        painter.drawLine(QPointF(2, 12), QPointF(14, 4));
        break;
    case geo::GeometryKind::Point:
        painter.setBrush(style.fill);
        painter.drawEllipse(QPointF(8, 8), 4, 4);
        break;
    case geo::GeometryKind::None:
        break;
    }
    return QIcon(pixmap);
}

constexpr int kLegendRowPadding = 4;
constexpr int kLegendIndent = 30;

} // namespace

/// Draws a layer's row as the list would, and its legend (swatch and name per class) under it;
/// the check box and the selection answer to the layer's own row only.
class LayerItemDelegate : public QStyledItemDelegate {
public:
    explicit LayerItemDelegate(LayersPanel* panel) : QStyledItemDelegate(panel), m_panel(panel) {}

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        if (const auto* legend = m_panel->shownLegend(index.data(kIndexRole).toInt()))
            size.rheight() += static_cast<int>(legend->size()) * rowHeight(option);
        return size;
    }

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override
    {
        const auto* legend = m_panel->shownLegend(index.data(kIndexRole).toInt());
        if (!legend || legend->empty()) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        QStyleOptionViewItem own = option;
        own.rect.setHeight(layerRowHeight(option, index));
        QStyledItemDelegate::paint(painter, own, index);
        const int row = rowHeight(option);
        const double dpi = painter->device() ? painter->device()->logicalDpiX() : 96.0;
        painter->save();
        painter->setFont(option.font);
        painter->setPen(option.palette.color(QPalette::Text));
        int top = own.rect.bottom() + 1;
        for (const render::LegendEntry& entry : *legend) {
            const QRectF patch(option.rect.left() + kLegendIndent, top + 3, 18, row - 6);
            render::drawLegendPatch(*painter, patch, entry, dpi);
            const QRect text(static_cast<int>(patch.right()) + 6, top,
                             option.rect.right() - static_cast<int>(patch.right()) - 6, row);
            painter->drawText(
                text, Qt::AlignLeft | Qt::AlignVCenter,
                option.fontMetrics.elidedText(entry.label, Qt::ElideRight, text.width()));
            top += row;
        }
        painter->restore();
    }

    bool editorEvent(QEvent* event, QAbstractItemModel* model, const QStyleOptionViewItem& option,
                     const QModelIndex& index) override
    {
        QStyleOptionViewItem own = option;
        own.rect.setHeight(layerRowHeight(option, index));
        return QStyledItemDelegate::editorEvent(event, model, own, index);
    }

private:
    static int rowHeight(const QStyleOptionViewItem& option)
    {
        return option.fontMetrics.height() + kLegendRowPadding;
    }
    int layerRowHeight(const QStyleOptionViewItem& option, const QModelIndex& index) const
    {
        return QStyledItemDelegate::sizeHint(option, index).height();
    }

    LayersPanel* m_panel;
};

/// The list, taking drops of its own rows as moves: the dragged (picked) row takes the place
/// of the row it is dropped on. Handled here rather than by InternalMove so that the drop is
/// one call (moveRow) whichever way the drag came.
class LayerList : public QListWidget {
public:
    LayerList(LayersPanel* panel, std::function<void(int from, int to)> move)
        : QListWidget(panel), m_move(std::move(move))
    {
        setDragEnabled(true);
        setAcceptDrops(true);
        setDropIndicatorShown(true);
        setDragDropMode(QAbstractItemView::DragDrop);
        setDefaultDropAction(Qt::CopyAction);
    }

protected:
    bool isOwnDrag(const QMimeData* data) const
    {
        return data && data->hasFormat(model()->mimeTypes().value(0));
    }
    void dragEnterEvent(QDragEnterEvent* event) override
    {
        if (isOwnDrag(event->mimeData()))
            event->acceptProposedAction();
        else
            event->ignore();
    }
    void dragMoveEvent(QDragMoveEvent* event) override
    {
        if (isOwnDrag(event->mimeData()))
            event->acceptProposedAction();
        else
            event->ignore();
    }
    void dropEvent(QDropEvent* event) override
    {
        if (!isOwnDrag(event->mimeData()) || selectedItems().isEmpty()) {
            event->ignore();
            return;
        }
        const int from = row(selectedItems().front());
        QListWidgetItem* target = itemAt(event->position().toPoint());
        const int to = target ? row(target) : count() - 1;
        // Copy, not move: the view would otherwise remove the dragged row after the drop.
        event->setDropAction(Qt::CopyAction);
        event->accept();
        m_move(from, to);
    }

private:
    std::function<void(int, int)> m_move;
};

LayersPanel::LayersPanel(QWidget* parent)
    : QWidget(parent), m_list(new LayerList(this, [this](int from, int to) { moveRow(from, to); })),
      m_opacity(new QSlider(Qt::Horizontal, this)), m_upButton(new QToolButton(this)),
      m_downButton(new QToolButton(this)), m_zoomButton(new QToolButton(this)),
      m_fieldsButton(new QToolButton(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_list);
    m_list->setObjectName(QStringLiteral("layerList"));
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    m_list->setItemDelegate(new LayerItemDelegate(this));

    // The buttons and the slider never make the dock wider than the list needs: a narrow
    // window clips them rather than growing.
    auto* controlsRow = new QWidget(this);
    controlsRow->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    auto* controls = new QHBoxLayout(controlsRow);
    controls->setContentsMargins(4, 0, 4, 4);
    m_upButton->setObjectName(QStringLiteral("moveLayerUp"));
    m_upButton->setArrowType(Qt::UpArrow);
    m_upButton->setToolTip(tr("Move Up"));
    m_downButton->setObjectName(QStringLiteral("moveLayerDown"));
    m_downButton->setArrowType(Qt::DownArrow);
    m_downButton->setToolTip(tr("Move Down"));
    m_zoomButton->setObjectName(QStringLiteral("zoomToLayer"));
    m_zoomButton->setText(tr("Zoom"));
    m_zoomButton->setToolTip(tr("Zoom to Layer"));
    m_fieldsButton->setObjectName(QStringLiteral("fieldMapping"));
    m_fieldsButton->setText(tr("Fields…"));
    m_fieldsButton->setToolTip(tr("Role and field mapping of the picked layer"));
    m_opacity->setObjectName(QStringLiteral("layerOpacity"));
    m_opacity->setRange(0, 100);
    m_opacity->setValue(100);
    m_opacity->setPageStep(25);
    m_opacity->setMinimumWidth(60);
    m_opacity->setToolTip(tr("Opacity of the picked layer"));
    auto* opacityLabel = new QLabel(tr("Opacity"), this);
    controls->addWidget(m_upButton);
    controls->addWidget(m_downButton);
    controls->addWidget(m_zoomButton);
    controls->addWidget(m_fieldsButton);
    controls->addStretch(1);
    layout->addWidget(controlsRow);
    auto* opacityWidget = new QWidget(this);
    opacityWidget->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    auto* opacityRow = new QHBoxLayout(opacityWidget);
    opacityRow->setContentsMargins(4, 0, 4, 4);
    opacityRow->addWidget(opacityLabel);
    opacityRow->addWidget(m_opacity, 1);
    layout->addWidget(opacityWidget);

    connect(m_list, &QListWidget::itemChanged, this, &LayersPanel::onItemChanged);
    connect(m_list, &QListWidget::itemSelectionChanged, this, [this] {
        updateControls();
        emit layerPicked(pickedLayer());
    });
    connect(m_list, &QListWidget::itemDoubleClicked, this, [this](QListWidgetItem* item) {
        emit zoomToLayerRequested(item->data(kIndexRole).toInt());
    });
    connect(m_list, &QWidget::customContextMenuRequested, this, &LayersPanel::showContextMenu);
    connect(m_upButton, &QToolButton::clicked, this, &LayersPanel::movePickedUp);
    connect(m_downButton, &QToolButton::clicked, this, &LayersPanel::movePickedDown);
    connect(m_zoomButton, &QToolButton::clicked, this, &LayersPanel::zoomToPicked);
    connect(m_fieldsButton, &QToolButton::clicked, this, [this] {
        if (pickedLayer() >= 0)
            emit fieldMappingRequested(pickedLayer());
    });
    connect(m_opacity, &QSlider::valueChanged, this, [this](int value) {
        const QList<QListWidgetItem*> selected = m_list->selectedItems();
        if (selected.isEmpty())
            return;
        const double opacity = value / 100.0;
        selected.front()->setData(kOpacityRole, opacity);
        emit opacityChanged(selected.front()->data(kIndexRole).toInt(), opacity);
    });
    updateControls();
}

void LayersPanel::updateControls()
{
    const int row =
        m_list->selectedItems().isEmpty() ? -1 : m_list->row(m_list->selectedItems()[0]);
    m_upButton->setEnabled(row > 0);
    m_downButton->setEnabled(row >= 0 && row + 1 < m_list->count());
    m_zoomButton->setEnabled(row >= 0);
    m_fieldsButton->setEnabled(row >= 0);
    m_opacity->setEnabled(row >= 0);
    const QSignalBlocker blocker(m_opacity);
    m_opacity->setValue(
        row < 0 ? 100
                : static_cast<int>(std::lround(
                      100 * layerOpacity(m_list->item(row)->data(kIndexRole).toInt()))));
}

double LayersPanel::layerOpacity(int index) const
{
    for (int row = 0; row < m_list->count(); ++row)
        if (m_list->item(row)->data(kIndexRole).toInt() == index) {
            const QVariant value = m_list->item(row)->data(kOpacityRole);
            return value.isValid() ? value.toDouble() : 1.0;
        }
    return 1.0;
}

std::vector<std::size_t> LayersPanel::drawingOrder() const
{
    std::vector<std::size_t> order;
    for (int row = m_list->count(); row-- > 0;)
        order.push_back(static_cast<std::size_t>(m_list->item(row)->data(kIndexRole).toInt()));
    return order;
}

void LayersPanel::moveRow(int from, int to)
{
    if (from < 0 || to < 0 || from >= m_list->count() || to >= m_list->count() || from == to)
        return;
    {
        // One layerPicked for the move, not one for the take and one for the insert.
        const QSignalBlocker blocker(m_list);
        QListWidgetItem* item = m_list->takeItem(from);
        m_list->insertItem(to, item);
        m_list->setCurrentItem(item);
        item->setSelected(true);
    }
    updateControls();
    emit drawingOrderChanged(drawingOrder());
}

void LayersPanel::movePickedUp()
{
    if (m_list->selectedItems().isEmpty())
        return;
    const int row = m_list->row(m_list->selectedItems().front());
    moveRow(row, row - 1);
}

void LayersPanel::movePickedDown()
{
    if (m_list->selectedItems().isEmpty())
        return;
    const int row = m_list->row(m_list->selectedItems().front());
    moveRow(row, row + 1);
}

void LayersPanel::zoomToPicked()
{
    const int index = pickedLayer();
    if (index >= 0)
        emit zoomToLayerRequested(index);
}

void LayersPanel::showContextMenu(const QPoint& position)
{
    QListWidgetItem* item = m_list->itemAt(position);
    if (!item)
        return;
    m_list->clearSelection();
    item->setSelected(true);
    QMenu menu(this);
    menu.addAction(tr("Zoom to Layer"), this, &LayersPanel::zoomToPicked);
    menu.addAction(tr("Field Mapping…"), this,
                   [this] { emit fieldMappingRequested(pickedLayer()); });
    menu.addAction(tr("Set CRS…"), this, [this] { emit crsRequested(pickedLayer()); })
        ->setObjectName(QStringLiteral("setCrsAction"));
    menu.addSeparator();
    menu.addAction(tr("Move Up"), this, &LayersPanel::movePickedUp)
        ->setEnabled(m_list->row(item) > 0);
    menu.addAction(tr("Move Down"), this, &LayersPanel::movePickedDown)
        ->setEnabled(m_list->row(item) + 1 < m_list->count());
    const int index = item->data(kIndexRole).toInt();
    if (m_legends.count(index)) {
        QAction* legend = menu.addAction(tr("Show Legend"));
        legend->setObjectName(QStringLiteral("showLegendAction"));
        legend->setCheckable(true);
        legend->setChecked(!m_legendsHidden.count(index));
        connect(legend, &QAction::toggled, this,
                [this, index](bool shown) { setLegendShown(index, shown); });
    }
    QMenu* opacity = menu.addMenu(tr("Opacity"));
    for (const int percent : {100, 75, 50, 25})
        opacity->addAction(QStringLiteral("%1 %").arg(percent), this,
                           [this, percent] { m_opacity->setValue(percent); });
    menu.exec(m_list->viewport()->mapToGlobal(position));
}

int LayersPanel::pickedLayer() const
{
    const QList<QListWidgetItem*> selected = m_list->selectedItems();
    return selected.isEmpty() ? -1 : selected.front()->data(kIndexRole).toInt();
}

void LayersPanel::pickLayer(int index)
{
    m_list->clearSelection();
    for (int row = 0; row < m_list->count(); ++row)
        if (m_list->item(row)->data(kIndexRole).toInt() == index)
            m_list->item(row)->setSelected(true);
}

void LayersPanel::setLayers(const std::vector<render::LayerSnapshot>& layers)
{
    {
        const QSignalBlocker blocker(m_list);
        m_list->clear();
        for (std::size_t i = layers.size(); i-- > 0;) {
            auto* item = new QListWidgetItem;
            item->setData(kIndexRole, static_cast<int>(i));
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable | Qt::ItemIsDragEnabled);
            item->setCheckState(Qt::Checked);
            describe(item, layers[i]);
            m_list->addItem(item);
        }
    }
    m_legends.clear();
    m_legendsHidden.clear();
    for (std::size_t i = 0; i < layers.size(); ++i)
        updateLegend(static_cast<int>(i), layers[i]);
    m_list->doItemsLayout();
    updateControls();
}

void LayersPanel::updateLayer(int index, const render::LayerSnapshot& snapshot)
{
    const QSignalBlocker blocker(m_list);
    for (int row = 0; row < m_list->count(); ++row)
        if (m_list->item(row)->data(kIndexRole).toInt() == index)
            describe(m_list->item(row), snapshot);
    updateLegend(index, snapshot);
    m_list->doItemsLayout();
}

void LayersPanel::updateLegend(int index, const render::LayerSnapshot& snapshot)
{
    m_legends.erase(index);
    if (snapshot.isRaster() || !snapshot.layer || snapshot.style.classes.empty())
        return;
    // The classes present anywhere in the layer, as its style names them: the classification
    // declared for it, else the one detected from its codes.
    std::vector<render::LegendEntry> entries =
        render::legendEntries({snapshot}, snapshot.layer->geometry.extent());
    // Under its layer, a class needs no "宗地：" before it.
    for (render::LegendEntry& entry : entries) {
        const QString prefix = entry.group + QStringLiteral("：");
        if (!entry.group.isEmpty() && entry.label.startsWith(prefix) && entry.label != prefix)
            entry.label.remove(0, prefix.size());
    }
    if (!entries.empty())
        m_legends[index] = std::move(entries);
}

std::vector<render::LegendEntry> LayersPanel::legend(int index) const
{
    const auto* shown = shownLegend(index);
    return shown ? *shown : std::vector<render::LegendEntry>{};
}

QStringList LayersPanel::legendLabels(int index) const
{
    QStringList labels;
    for (const render::LegendEntry& entry : legend(index))
        labels.append(entry.label);
    return labels;
}

const std::vector<render::LegendEntry>* LayersPanel::shownLegend(int index) const
{
    if (m_legendsHidden.count(index))
        return nullptr;
    const auto it = m_legends.find(index);
    return it == m_legends.end() ? nullptr : &it->second;
}

void LayersPanel::setLegendShown(int index, bool shown)
{
    if (shown)
        m_legendsHidden.erase(index);
    else
        m_legendsHidden.insert(index);
    m_list->doItemsLayout();
    m_list->viewport()->update();
}

void LayersPanel::describe(QListWidgetItem* item, const render::LayerSnapshot& snapshot)
{
    const geo::Layer& layer = *snapshot.layer;
    const QString name = QString::fromStdString(layer.name);
    // Chinese first: the role's name (宗地, 道路工程 …) before the layer's own, unless the layer
    // is already named so.
    QString shown = name;
    if (snapshot.role) {
        const QString chinese = QString::fromUtf8(geo::chineseName(*snapshot.role));
        if (!name.contains(chinese))
            shown = QStringLiteral("%1 %2").arg(chinese, name);
    }
    if (snapshot.raster) {
        const geo::RasterInfo& raster = snapshot.raster->info;
        item->setText(
            tr("%1 (raster %2 × %3)").arg(shown).arg(raster.size.width).arg(raster.size.height));
    } else {
        const auto count = static_cast<qlonglong>(layer.featureCount());
        item->setText(count == 1 ? tr("%1 (1 feature)").arg(shown)
                                 : tr("%1 (%2 features)").arg(shown).arg(count));
    }
    item->setData(Qt::UserRole, name);
    item->setIcon(styleIcon(snapshot));
    const QString crs = layer.crs.isEmpty()
                            ? tr("none (raw coordinates)")
                            : QString::fromStdString(layer.crs.label() + " — " + layer.crs.name());
    const QString role =
        snapshot.role
            ? QStringLiteral("%1 %2").arg(QString::fromUtf8(geo::chineseName(*snapshot.role)),
                                          QString::fromUtf8(geo::toString(*snapshot.role)))
            : tr("none");
    QString tip;
    if (snapshot.raster) {
        const geo::RasterInfo& raster = snapshot.raster->info;
        tip = tr("%1\nRaster: %2 × %3 pixels, %4 bands, %5 overviews\nCRS: %6")
                  .arg(QString::fromStdString(layer.sourcePath))
                  .arg(raster.size.width)
                  .arg(raster.size.height)
                  .arg(raster.bandCount)
                  .arg(raster.overviews.size())
                  .arg(crs);
    } else {
        tip = tr("%1\nRole: %2\nGeometry: %3\nCRS: %4\nText encoding: %5")
                  .arg(QString::fromStdString(layer.sourcePath), role,
                       QString::fromUtf8(geo::toString(layer.geometry.kind())), crs,
                       QString::fromStdString(layer.encoding.name));
    }
    const render::LayerStyle& style = snapshot.style;
    if (!style.classes.empty()) {
        QStringList classes;
        for (const render::Symbol& symbol : style.classes)
            classes.append(symbol.label);
        tip += tr("\nClasses by %1: %2").arg(style.classField, classes.join(QStringLiteral(", ")));
    }
    item->setToolTip(tip);
}

QStringList LayersPanel::layerNames() const
{
    QStringList names;
    for (int row = 0; row < m_list->count(); ++row)
        names.append(m_list->item(row)->data(Qt::UserRole).toString());
    return names;
}

void LayersPanel::onItemChanged(QListWidgetItem* item)
{
    emit visibilityChanged(item->data(kIndexRole).toInt(), item->checkState() == Qt::Checked);
}

} // namespace parkatlas::desktop
