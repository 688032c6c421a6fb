#pragma once

#include "geo/model/geometry_store.h"

#include <QColor>
#include <QFont>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace parkatlas::render {

/// The marker drawn for a point feature.
enum class PointShape { Circle, Square, Triangle, Diamond, Star, Cross };

/// How one feature is drawn. Widths and sizes are in points at 96 DPI (so 1.0 is one screen
/// pixel); the renderer scales them to the output's DPI. A plain value, safe to copy to a worker.
struct Symbol {
    QColor stroke{40, 40, 40};
    double strokeWidth = 1.0;
    Qt::PenStyle strokeStyle = Qt::SolidLine;
    QColor fill{0, 0, 0, 0}; // alpha 0: no fill
    /// Qt::SolidPattern fills; a hatch (Qt::BDiagPattern …) draws lines of `fill` over what
    /// lies beneath, which shows through.
    Qt::BrushStyle fillPattern = Qt::SolidPattern;
    double pointDiameter = 5.0;
    PointShape pointShape = PointShape::Circle;
    /// What the symbol stands for, for the legend ("给水", "M2 二类工业用地"); may be empty.
    QString label;
    /// For a land-use class: the class it is across classification systems
    /// (LandUseClassification::sameClassKey: M1 of GB 50137-2011 and 100101 of GTKJ-2023 are
    /// one), so the legend shows it once; empty: the label says what it is.
    QString classKey;
};

/// How one layer is drawn: a symbol for every feature, or one per class of an attribute
/// (categorised), with optional real-width lines and labels. The base Symbol is the default:
/// the look of a feature that falls in no class. Per-feature tables are shared and immutable,
/// so copying a style to a worker is cheap. Safe to copy across threads.
struct LayerStyle : Symbol {
    static constexpr std::uint16_t kNoClass = 0xffff;

    /// The classes' symbols and, per feature, the index of its class (kNoClass: the base
    /// symbol). Both empty: every feature takes the base symbol.
    std::vector<Symbol> classes;
    std::shared_ptr<const std::vector<std::uint16_t>> featureClass;
    /// The field the classes come from, for the legend ("land_use").
    QString classField;

    /// Lines drawn at their ground width: per feature, the width in map units (NaN or <= 0:
    /// none). Where it comes to at least minRealWidthPx pixels, the line is drawn that wide
    /// (translucent, in the symbol's colour) under a hairline of the symbol; below, the symbol
    /// alone.
    std::shared_ptr<const std::vector<float>> featureWidthMapUnits;
    double minRealWidthPx = 3.0;

    /// Labels: the attribute fields drawn next to each feature, one line each (empty: none),
    /// then, when labelAreaMu is set, a polygon's ellipsoidal area in mu ("12.34 亩"); in this
    /// font (real points, sized by the output's DPI; see cjkFont()), from this many map units
    /// per pixel at 96 DPI down (0: always), so a printed page shows the labels its scale shows
    /// on screen. A label whose box would overlap one already placed in the same render is left
    /// out (larger features are labelled first). Labels are drawn as text (searchable in a PDF).
    std::vector<int> labelFields;
    bool labelAreaMu = false;
    QFont labelFont;
    QColor labelColour{30, 30, 30};
    double labelMaxMapUnitsPerPixel = 0;

    /// Scale limits, as N of 1:N (0: none). At scales smaller than 1:maxScaleDenominator the
    /// layer is not drawn; at scales smaller than 1:fillMaxScaleDenominator only its outlines are
    /// (so buildings do not cover the land-use colours of a park-wide map).
    double maxScaleDenominator = 0;
    double fillMaxScaleDenominator = 0;

    /// Whether the layer is drawn at 1:`scaleDenominator` (0 or less: an unknown scale, no limits).
    bool shownAtScale(double scaleDenominator) const
    {
        return scaleDenominator <= 0 || maxScaleDenominator <= 0 ||
               scaleDenominator <= maxScaleDenominator;
    }
    /// Whether only its outlines are drawn at 1:`scaleDenominator` (when it is drawn at all).
    bool outlinesOnlyAtScale(double scaleDenominator) const
    {
        return scaleDenominator > 0 && fillMaxScaleDenominator > 0 &&
               scaleDenominator > fillMaxScaleDenominator;
    }
    /// This style with every fill cleared, as it is drawn where only outlines are.
    LayerStyle outlinesOnly() const
    {
        LayerStyle outlined = *this;
        outlined.fill = Qt::transparent;
        for (Symbol& symbol : outlined.classes)
            symbol.fill = Qt::transparent;
        return outlined;
    }

    /// The symbol of `feature`.
    const Symbol& symbolFor(std::size_t feature) const
    {
        if (featureClass && feature < featureClass->size()) {
            const std::uint16_t index = (*featureClass)[feature];
            if (index < classes.size())
                return classes[index];
        }
        return *this;
    }

    /// The default look of the `index`-th layer of a kind: polygons get a translucent fill and
    /// a darker outline of the same hue, lines a solid stroke, points a filled circle; the hue
    /// turns with the index so that neighbouring layers differ.
    static LayerStyle defaultFor(geo::GeometryKind kind, std::size_t index);

    /// The look of selected features: a strong outline and a light translucent fill, drawn
    /// over the map.
    static LayerStyle selectionFor(geo::GeometryKind kind);
};

/// A font whose family list ends in a CJK face (Noto Sans CJK SC first), at `pointSize`.
QFont cjkFont(double pointSize);

} // namespace parkatlas::render
