#pragma once

#include "app/render/layer_snapshot.h"
#include "geo/model/geometry_store.h"

#include <QString>
#include <QStringList>

#include <vector>

class QPainter;
class QRectF;

namespace parkatlas::render {

/// One line of a map legend: a symbol as the map draws it and what it stands for.
struct LegendEntry {
    QString label;
    Symbol symbol;
    geo::GeometryKind kind = geo::GeometryKind::Polygon;
    /// The layer it belongs to ("宗地"), for a heading above a layer's classes.
    QString group;
    /// A land-use class: the codes it has in the page's layers, in the order met ("M1",
    /// "100101": one class in two systems), and the key they share (Symbol::classKey).
    QStringList codes;
    QString classKey;
};

/// The legend of `layers` (bottom first, as drawn) within `extent` (map CRS), top layer first:
/// a classified layer lists only the classes of the features whose envelope meets `extent`
/// (classes whose labels start with a code, as land use does, sorted by it; others in order of
/// first appearance; a land-use class that is one class in two systems, by the crosswalk, or
/// that a layer above already lists, is one entry naming every code: "M1 / 100101 一类工业用地"),
/// plus its base symbol
/// when some feature there falls in no class; a plain layer is one entry named after its role.
/// Layers with no feature in `extent` are left out, and so are layers the map does not draw at
/// 1:`scaleDenominator` (their style's scale limits; 0: an unknown scale, none); a layer drawn
/// there as outlines only is shown so, without fill. O(features); any thread.
std::vector<LegendEntry> legendEntries(const std::vector<LayerSnapshot>& layers,
                                       const geo::Envelope& extent, double scaleDenominator = 0);

/// Draws the symbol of `entry` into `patch` (device units; `dpi` scales the style's widths as
/// the map does): a filled and outlined box for polygons, a line across for lines, the marker
/// for points.
void drawLegendPatch(QPainter& painter, const QRectF& patch, const LegendEntry& entry, double dpi);

/// The display name of a layer: the Chinese name of its role, else the layer's own name.
QString layerDisplayName(const LayerSnapshot& snapshot);

} // namespace parkatlas::render
