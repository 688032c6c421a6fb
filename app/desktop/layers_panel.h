#pragma once

#include "app/render/layer_snapshot.h"

#include <QWidget>

#include <vector>

class QListWidget;
class QListWidgetItem;

namespace parkatlas::desktop {

/// The list of the map's layers, topmost first as in every GIS: name, feature count and a
/// visibility check box; the tooltip tells where the layer came from and in which CRS it was.
class LayersPanel : public QWidget {
    Q_OBJECT
public:
    explicit LayersPanel(QWidget* parent = nullptr);

    /// Shows `layers` (in drawing order: the first at the bottom, so listed last).
    void setLayers(const std::vector<render::LayerSnapshot>& layers);
    QListWidget* list() const { return m_list; }
    /// Layer names from the top of the list down.
    QStringList layerNames() const;
    /// The layer the user picked in the list (drawing order), or -1 when none is: selections
    /// then act on it alone.
    int pickedLayer() const;
    /// Picks layer `index` (drawing order; -1 picks none).
    void pickLayer(int index);

signals:
    /// The user picked layer `index` (drawing order), or none (-1).
    void layerPicked(int index);
    /// The user switched layer `index` (in drawing order) on or off.
    void visibilityChanged(int index, bool visible);

private:
    void onItemChanged(QListWidgetItem* item);

    QListWidget* m_list;
};

} // namespace parkatlas::desktop
