#include "app/desktop/layers_panel.h"

#include <QListWidget>
#include <QPainter>
#include <QPixmap>
#include <QVBoxLayout>

#include <algorithm>

namespace parkatlas::desktop {

namespace {

constexpr int kIndexRole = Qt::UserRole + 1;

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

} // namespace

LayersPanel::LayersPanel(QWidget* parent) : QWidget(parent), m_list(new QListWidget(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_list);
    m_list->setObjectName(QStringLiteral("layerList"));
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    connect(m_list, &QListWidget::itemChanged, this, &LayersPanel::onItemChanged);
    connect(m_list, &QListWidget::itemSelectionChanged, this,
            [this] { emit layerPicked(pickedLayer()); });
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
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    for (std::size_t i = layers.size(); i-- > 0;) {
        const geo::Layer& layer = *layers[i].layer;
        const QString name = QString::fromStdString(layer.name);
        const auto count = static_cast<qlonglong>(layer.featureCount());
        auto* item = new QListWidgetItem(count == 1 ? tr("%1 (1 feature)").arg(name)
                                                    : tr("%1 (%2 features)").arg(name).arg(count));
        item->setData(kIndexRole, static_cast<int>(i));
        item->setData(Qt::UserRole, name);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
        item->setIcon(styleIcon(layers[i]));
        const QString crs =
            layer.crs.isEmpty()
                ? tr("none (raw coordinates)")
                : QString::fromStdString(layer.crs.label() + " — " + layer.crs.name());
        const QString role =
            layers[i].role
                ? QStringLiteral("%1 %2").arg(QString::fromUtf8(geo::chineseName(*layers[i].role)),
                                              QString::fromUtf8(geo::toString(*layers[i].role)))
                : tr("none");
        QString tip = tr("%1\nRole: %2\nGeometry: %3\nCRS: %4\nText encoding: %5")
                          .arg(QString::fromStdString(layer.sourcePath), role,
                               QString::fromUtf8(geo::toString(layer.geometry.kind())), crs,
                               QString::fromStdString(layer.encoding.name));
        const render::LayerStyle& style = layers[i].style;
        if (!style.classes.empty()) {
            QStringList classes;
            for (const render::Symbol& symbol : style.classes)
                classes.append(symbol.label);
            tip +=
                tr("\nClasses by %1: %2").arg(style.classField, classes.join(QStringLiteral(", ")));
        }
        item->setToolTip(tip);
        m_list->addItem(item);
    }
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
