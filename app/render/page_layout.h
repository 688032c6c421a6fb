#pragma once

#include "geo/model/geometry_store.h"

#include <QJsonObject>
#include <QSizeF>
#include <QString>
#include <QStringList>

#include <optional>

namespace parkatlas::render {

/// What goes into the page's area table (in mu).
enum class PageTableKind {
    None,
    LandUse,     // parcels by land-use code, those whose centre lies in the map frame
    Findings,    // plan-compliance findings by rule
    Acquisition, // acquisition (征地) by stage
    Idle,        // idle-land cases by kind
    Works,       // roads and pipelines by lot
    Changes,     // 变化图: what was added, changed and removed since the previous park
    Monitoring,  // 监测统计: every piece of the approved area by monitoring class (表一)
};

const char* toString(PageTableKind kind);
std::optional<PageTableKind> pageTableKindFromString(const QString& text);

/// What a template lays out: a map page (parkatlas map, the committee pack, Export Map) or a
/// parcel sheet (parkatlas sheet, Parcel Sheet…: only the paper, texts and scale apply).
enum class PageKind { Map, ParcelSheet };
const char* toString(PageKind kind);

/// A page layout: the paper, the map frame's scale or extent, the texts and which page elements
/// are shown. A template (styles/layouts/*.json, or a user's own file) is one of these as JSON:
///
///   { "kind": "map|parcel_sheet", "name": "用地现状图", "paper": "A3", "orientation": "landscape", "margin_mm": 10,
///     "title": "{park}用地现状图", "subtitle": "…", "organisation": "…", "date": "",
///     "scale": 0, "extent": [minx, miny, maxx, maxy], "layers": ["boundary", "parcels"],
///     "focus": ["boundary", "parcels"],
///     "legend": true, "scale_bar": true, "north_arrow": true, "grid": false,
///     "table": "landuse|findings|acquisition|idle|works|none", "footnote": "…" }
///
/// Every key is optional. "{park}" in a text is replaced by the park's name; an empty date is
/// today's month ("2026年11月"). A plain value, safe to copy across threads.
struct PageLayout {
    PageKind kind = PageKind::Map;
    QString name;
    QString paper = QStringLiteral("A3"); // A4, A3, A2, A1, A0
    bool landscape = true;
    double marginMm = 10;
    QString title;
    QString subtitle;
    QString organisation;
    QString date;
    /// The map's scale 1:N; 0 fits the extent (or the focus) into the frame at the next round
    /// scale (roundScaleUp: … 1:25 000, 1:30 000, 1:40 000, 1:50 000 …).
    double scaleDenominator = 0;
    std::optional<geo::Envelope> extent; // map CRS; none: the layers' extent
    /// Role or layer names to draw, bottom-to-top order decided by the style book; empty: all.
    QStringList layers;
    /// The roles the frame is fitted to when no extent is given ("boundary", "parcels"): what
    /// the map is about, so a distant protected area or road does not shrink the park on the
    /// page. Empty (or none of them on the page): every layer.
    QStringList focus;
    bool legend = true;
    bool scaleBar = true;
    bool northArrow = true;
    bool grid = false;
    PageTableKind table = PageTableKind::LandUse;
    QString footnote;

    /// The paper's size in millimetres, oriented; empty for an unknown paper name.
    QSizeF pageSizeMm() const;

    /// Reads a template; keys it does not know are problems (not silently ignored). Throws
    /// std::runtime_error naming `origin` for a wrong value type or an unknown paper or table.
    static PageLayout fromJson(const QJsonObject& json, const QString& origin);
    QJsonObject toJson() const;

    /// The template named `nameOrPath`: a path to a JSON file (anything with a '/' or ending in
    /// .json), else the file <name>.json in the user's own templates
    /// (~/.local/share/ParkAtlas/layouts) or styles/layouts/, else the template whose "name" is
    /// it. Throws std::runtime_error naming the folders or listing the templates there are.
    static PageLayout loadTemplate(const QString& nameOrPath, const QString& stylesDirectory);
    /// The names of the user's own templates, then those in styles/layouts/ not among them.
    static QStringList templateNames(const QString& stylesDirectory);
    /// Those of them that lay out a `kind` of page (a template that cannot be read is left
    /// out: loadTemplate says what is wrong with it).
    static QStringList templateNames(const QString& stylesDirectory, PageKind kind);
};

/// Paper sizes in millimetres, portrait: A0–A4; empty for anything else.
QSizeF paperSizeMm(const QString& paper);

/// The next round scale denominator at or above `denominator`: 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8
/// × 10^k (1:25 000, 1:30 000, 1:40 000, 1:50 000 …), the scales of Chinese planning maps.
double roundScaleUp(double denominator);

} // namespace parkatlas::render
