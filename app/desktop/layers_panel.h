#pragma once

#include "app/render/layer_snapshot.h"
#include "app/render/legend.h"

#include <QWidget>

#include <cstddef>
#include <map>
#include <set>
#include <vector>

class QListWidget;
class QListWidgetItem;
class QSlider;
class QToolButton;

namespace parkatlas::desktop {

/// The list of the map's layers, topmost first as in every GIS: the role's Chinese name with
/// the layer's own, the feature count (a raster's size in pixels) and a visibility check box;
/// the tooltip tells where the layer came from and in which CRS it was. Under a classified
/// layer (land use, stages, kinds) its legend: the classes present in the layer with their
/// swatches and names, as the layer's style (its declared or detected classification) draws
/// them (render::legendEntries); Show Legend in the context menu hides or shows it.
///
/// Layers are reordered by dragging them in the list or with Move Up / Move Down (buttons and
/// context menu); the picked layer's opacity is set with the slider; Zoom to Layer (button,
/// context menu, double-click) shows the whole layer. A layer keeps its index (its place in
/// the map's list of layers) whatever its place in the drawing order.

class LayersPanel : public QWidget {
    Q_OBJECT
public:
    explicit LayersPanel(QWidget* parent = nullptr);

    /// Shows `layers` (in drawing order: the first at the bottom, so listed last).
    void setLayers(const std::vector<render::LayerSnapshot>& layers);
    QListWidget* list() const { return m_list; }
    QSlider* opacitySlider() const { return m_opacity; }
    /// Shows layer `index` anew (its role, style or name changed).
    void updateLayer(int index, const render::LayerSnapshot& snapshot);
    /// Layer names from the top of the list down.
    QStringList layerNames() const;
    /// Layer indices from the bottom of the list up: the drawing order.
    std::vector<std::size_t> drawingOrder() const;
    /// The layer the user picked in the list (its index), or -1 when none is: selections
    /// then act on it alone.
    int pickedLayer() const;
    /// Picks layer `index` (-1 picks none).
    void pickLayer(int index);
    /// The opacity set for layer `index` (1 when never changed).
    double layerOpacity(int index) const;
    /// The legend listed under layer `index` (empty: a plain layer, or hidden).
    std::vector<render::LegendEntry> legend(int index) const;
    /// Their labels ("M1 一类工业用地" …), top down.
    QStringList legendLabels(int index) const;
    /// Shows or hides the legend under layer `index`.
    void setLegendShown(int index, bool shown);
    /// The legend under layer `index` as drawn, or null (the list's delegate).
    const std::vector<render::LegendEntry>* shownLegend(int index) const;

public slots:
    /// Moves the picked layer one place up (drawn above the next) or down.
    void movePickedUp();
    void movePickedDown();
    void zoomToPicked();

signals:
    /// The user picked layer `index`, or none (-1).
    void layerPicked(int index);
    /// The user switched layer `index` on or off.
    void visibilityChanged(int index, bool visible);
    /// The drawing order changed (layer indices, bottom first).
    void drawingOrderChanged(const std::vector<std::size_t>& order);
    /// The user set layer `index`'s opacity (0 … 1).
    void opacityChanged(int index, double opacity);
    /// The user asked to see the whole of layer `index`.
    void zoomToLayerRequested(int index);
    /// The user asked to set layer `index`'s role and field mapping.
    void fieldMappingRequested(int index);
    /// The user asked to set layer `index`'s coordinate system (Set CRS…).
    void crsRequested(int index);

private:
    void onItemChanged(QListWidgetItem* item);
    void moveRow(int from, int to);
    void showContextMenu(const QPoint& position);
    void updateControls();
    void describe(QListWidgetItem* item, const render::LayerSnapshot& snapshot);
    void updateLegend(int index, const render::LayerSnapshot& snapshot);

    std::map<int, std::vector<render::LegendEntry>> m_legends; // classified layers only
    std::set<int> m_legendsHidden;

    QListWidget* m_list;
    QSlider* m_opacity;
    QToolButton* m_upButton;
    QToolButton* m_downButton;
    QToolButton* m_zoomButton;
    QToolButton* m_fieldsButton;
};

} // namespace parkatlas::desktop
