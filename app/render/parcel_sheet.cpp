#include "app/render/parcel_sheet.h"

#include "app/render/page_painter.h"
#include "app/render/page_renderer.h"

#include "geo/error.h"
#include "geo/model/display_names.h"
#include "geo/model/geos_context.h"
#include "geo/units.h"

#include <QBuffer>
#include <QDate>
#include <QFontMetricsF>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>
#include <QPdfWriter>
#include <QSaveFile>

#include <algorithm>
#include <cmath>
#include <limits>

namespace parkatlas::render {

namespace {

const QColor kNeighbourInk(150, 150, 150);
const QColor kRoadInk(120, 120, 120);
const QColor kProblemInk(200, 30, 30);
const QColor kPlotFill(255, 244, 214);

} // namespace

const char* plotIdFieldOf(geo::Role role)
{
    switch (role) {
    case geo::Role::Parcels:
        return "parcel_id";
    case geo::Role::PlanZones:
        return "zone_id";
    case geo::Role::Acquisition:
        return "batch_id";
    case geo::Role::IdleLand:
        return "case_id";
    default:
        return "name";
    }
}

namespace {

QString coordinateText(double value)
{
    return QString::number(value, 'f', 3);
}

QString lengthText(double metres)
{
    return QString::number(metres, 'f', 2);
}

/// 1, 2 or 5 × 10^k at or below `value`.
double roundStepDown(double value)
{
    if (!(value > 0))
        return 0;
    const double decade = std::pow(10.0, std::floor(std::log10(value)));
    for (const double step : {5.0, 2.0, 1.0})
        if (decade * step <= value * (1 + 1e-9))
            return decade * step;
    return decade;
}

/// The page painter, with the sheet's text that shrinks to fit its box.
class Mm : public PagePainter {
public:
    using PagePainter::PagePainter;
    using PagePainter::text;

    /// Text in a box; shrinks the font (down to 60 %) until it fits the box's width, then elides.
    void text(const QRectF& r, int flags, const QString& text, double points, bool bold = false,
              const QColor& colour = kInk)
    {
        QFont f = font(points, bold);
        double size = points;
        while (textWidth(f, text) > r.width() - 1 && size > points * 0.6) {
            size *= 0.92;
            f = font(size, bold);
        }
        QString shown = text;
        if (textWidth(f, text) > r.width() - 1 && !(flags & Qt::TextWordWrap))
            shown = QFontMetricsF(f, painter().device())
                        .elidedText(text, Qt::ElideRight, px(r.width() - 1));
        PagePainter::text(r, flags, shown, f, colour);
    }
};

/// Map CRS → page millimetres for the sheet's map frame.
struct MapTransform {
    QRectF frame;          // mm on the page
    double cx = 0, cy = 0; // map centre (CRS units)
    double mmPerUnit = 1;
    QPointF operator()(double x, double y) const
    {
        return {frame.center().x() + (x - cx) * mmPerUnit,
                frame.center().y() - (y - cy) * mmPerUnit};
    }
    geo::Envelope extent() const
    {
        const double halfW = frame.width() / 2 / mmPerUnit, halfH = frame.height() / 2 / mmPerUnit;
        return {cx - halfW, cy - halfH, cx + halfW, cy + halfH};
    }
};

QPainterPath pathOf(const geo::GeometryStore& store, std::size_t feature, const MapTransform& t,
                    const Mm& mm)
{
    QPainterPath path;
    path.setFillRule(Qt::OddEvenFill);
    const bool closed = store.kind() == geo::GeometryKind::Polygon;
    for (std::size_t part = 0; part < store.partCount(feature); ++part)
        for (std::size_t r = 0; r < store.ringCount(feature, part); ++r) {
            const geo::RingView ring = store.ring(feature, part, r);
            for (std::size_t i = 0; i < ring.vertexCount(); ++i) {
                const QPointF p = mm.px(t(ring.x(i), ring.y(i)));
                if (i == 0)
                    path.moveTo(p);
                else
                    path.lineTo(p);
            }
            if (closed && ring.vertexCount() > 0)
                path.closeSubpath();
        }
    return path;
}

/// Angle in degrees (page, clockwise from east) that keeps text along a→b upright.
double uprightAngle(QPointF a, QPointF b)
{
    double degrees = std::atan2(b.y() - a.y(), b.x() - a.x()) * 180 / M_PI;
    if (degrees > 90)
        degrees -= 180;
    if (degrees < -90)
        degrees += 180;
    return degrees;
}

/// Draws `text` centred at `centre` (mm) turned by `degrees`.
void rotatedText(Mm& mm, QPointF centre, double degrees, const QString& text, double points,
                 const QColor& colour)
{
    QPainter& painter = mm.painter();
    painter.save();
    painter.translate(mm.px(centre));
    painter.rotate(degrees);
    const QFont font = mm.font(points);
    painter.setFont(font);
    painter.setPen(colour);
    const QFontMetricsF metrics(font, painter.device());
    const double w = metrics.horizontalAdvance(text);
    painter.drawText(QPointF(-w / 2, metrics.ascent() / 2 - metrics.descent() / 2), text);
    painter.restore();
}

} // namespace

struct ParcelSheetBook::Row {
    QString name, x, y, length;
    QString label; // a separator row ("第 2 部分", "内环") when not empty
};

double ParcelSheet::areaMu() const
{
    return areaM2 / geo::kSquareMetresPerMu;
}

PageLayout defaultParcelSheetLayout()
{
    PageLayout layout;
    layout.name = QStringLiteral("宗地图");
    layout.paper = QStringLiteral("A4");
    layout.landscape = false;
    layout.title = QStringLiteral("宗地图");
    layout.table = PageTableKind::None;
    return layout;
}

ParcelSheetBook::ParcelSheetBook(std::shared_ptr<const geo::Park> park, geo::Role role,
                                 ParcelSheetOptions options)
    : m_park(std::move(park)), m_options(std::move(options))
{
    m_layer = m_park->layer(role);
    if (!m_layer)
        throw geo::Error(std::string("the park has no ") + geo::toString(role) + " layer (" +
                         geo::chineseName(role) + ") to draw sheets of");
    const geo::Layer& layer = *m_layer->layer;
    if (layer.geometry.kind() != geo::GeometryKind::Polygon)
        throw geo::GeometryError(std::string("the ") + geo::toString(role) + " layer holds " +
                                     geo::toString(layer.geometry.kind()) +
                                     ", not plots (polygons): no parcel sheets of it",
                                 {layer.sourcePath, layer.name, -1, {}});
    if (!m_park->crs.isProjected())
        throw geo::CrsError(
            "a parcel sheet gives plane coordinates, and the park's CRS (" + m_park->crs.label() +
                ") is not projected; read the park in its Gauss-Krüger zone (the project file's "
                "\"crs\", for instance EPSG:4527 for CGCS2000 zone 39)",
            {layer.sourcePath, layer.name, -1, {}});
    m_unitM = m_park->crs.linearUnitM();
    if (!(m_unitM > 0))
        m_unitM = 1;
    m_idField = m_layer->field(plotIdFieldOf(role));
    m_ownerField = m_layer->field("owner");
    m_landUseField = m_layer->field("land_use");
    try {
        m_classification = &geo::LandUseClassification::standard();
        if (m_landUseField >= 0)
            m_systems = geo::landUseSystemsOf(*m_layer, *m_classification);
    } catch (const geo::Error&) {
        m_classification = nullptr;
    }
    std::vector<std::string> plotNames(layer.featureCount());
    for (std::size_t i = 0; i < plotNames.size(); ++i) {
        const std::string id = plotId(i).toStdString();
        const std::string owner =
            m_ownerField >= 0 ? layer.attributes.text(i, m_ownerField) : std::string();
        plotNames[i] = owner.empty() ? id : owner + "（" + id + "）";
    }
    m_roads = m_park->layer(geo::Role::Roads);
    if (m_roads && m_roads->layer->geometry.kind() != geo::GeometryKind::Line)
        m_roads = nullptr;
    std::vector<std::string> roadNames;
    if (m_roads) {
        m_roadNameField = m_roads->field("name");
        roadNames.resize(m_roads->layer->featureCount());
        if (m_roadNameField >= 0)
            for (std::size_t i = 0; i < roadNames.size(); ++i)
                roadNames[i] = m_roads->layer->attributes.text(i, m_roadNameField);
    }
    m_finder = std::make_unique<geo::FourSidesFinder>(
        layer.geometry, std::move(plotNames), m_roads ? &m_roads->layer->geometry : nullptr,
        std::move(roadNames), m_unitM, m_options.fourSides);
    m_options.layout.landscape = false;
    m_pageMm = paperSizeMm(m_options.layout.paper);
    if (m_pageMm.isEmpty())
        m_pageMm = paperSizeMm(QStringLiteral("A4"));
}

ParcelSheetBook::~ParcelSheetBook() = default;

QString ParcelSheetBook::plotId(std::size_t feature) const
{
    const geo::Layer& layer = *m_layer->layer;
    if (m_idField >= 0 && !layer.attributes.isUnknown(feature, m_idField))
        return QString::fromStdString(layer.attributes.text(feature, m_idField));
    return QStringLiteral("FID %1").arg(layer.fids[feature]);
}

std::vector<std::size_t> ParcelSheetBook::find(const std::string& id) const
{
    std::vector<std::size_t> rows;
    const geo::Layer& layer = *m_layer->layer;
    const QString wanted = QString::fromStdString(id).trimmed();
    for (std::size_t i = 0; i < layer.featureCount(); ++i)
        if (plotId(i) == wanted)
            rows.push_back(i);
    if (!rows.empty() || m_idField >= 0)
        return rows;
    QString number = wanted;
    if (number.startsWith(QStringLiteral("FID"), Qt::CaseInsensitive))
        number = number.mid(3).trimmed();
    bool ok = false;
    const qlonglong fid = number.toLongLong(&ok);
    if (ok)
        for (std::size_t i = 0; i < layer.featureCount(); ++i)
            if (layer.fids[i] == fid)
                rows.push_back(i);
    return rows;
}

ParcelSheet ParcelSheetBook::sheet(std::size_t feature) const
{
    const geo::Layer& layer = *m_layer->layer;
    ParcelSheet sheet;
    sheet.feature = feature;
    sheet.plotId = plotId(feature);
    if (m_ownerField >= 0)
        sheet.owner = QString::fromStdString(layer.attributes.text(feature, m_ownerField));
    if (m_landUseField >= 0) {
        const std::string code = layer.attributes.text(feature, m_landUseField);
        sheet.landUseCode = QString::fromStdString(code);
        if (m_classification && !code.empty() && !m_systems.systems.empty())
            sheet.landUseName =
                QString::fromStdString(m_classification->nameOf(code, m_systems.systems));
    }
    sheet.points = geo::boundaryPoints(layer.geometry, feature, m_unitM);
    for (const std::string& problem : sheet.points.problems)
        sheet.problems.append(QString::fromStdString(problem));
    if (layer.geometry.isEmpty(feature))
        sheet.problems.append(QStringLiteral("the plot has no geometry"));
    {
        geo::GeosContext geos;
        std::string problem;
        const geo::GeosGeomPtr geometry = geos.fromStore(layer.geometry, feature, &problem);
        if (!geometry && !problem.empty()) {
            sheet.problems.append(QString::fromStdString(problem));
        } else if (geometry && GEOSisValid_r(geos.handle(), geometry.get()) == 0) {
            char* reason = GEOSisValidReason_r(geos.handle(), geometry.get());
            sheet.problems.append(QStringLiteral("invalid geometry: ") +
                                  QString::fromUtf8(reason ? reason : "invalid"));
            if (reason)
                GEOSFree_r(geos.handle(), reason);
        }
    }
    try {
        geo::AreaCalculator calculator(m_park->crs, m_options.areaMethod);
        sheet.areaM2 = calculator.areaM2(layer.geometry, feature, layer.fids[feature]);
    } catch (const geo::Error& error) {
        sheet.areaM2 = std::numeric_limits<double>::quiet_NaN();
        sheet.problems.append(QString::fromStdString(error.what()));
    }
    sheet.sides = m_finder->find(feature, sheet.points);
    return sheet;
}

std::vector<ParcelSheetBook::Row> ParcelSheetBook::tableRows(const ParcelSheet& sheet) const
{
    std::vector<Row> rows;
    std::size_t lastPart = 0;
    for (std::size_t r = 0; r < sheet.points.rings.size(); ++r) {
        const geo::BoundaryRing& ring = sheet.points.rings[r];
        if (r > 0) {
            Row separator;
            separator.label = ring.hole ? QStringLiteral("内环（洞）")
                                        : QStringLiteral("第 %1 部分").arg(ring.part + 1);
            if (!ring.hole && ring.part == lastPart)
                separator.label = QStringLiteral("外环");
            rows.push_back(separator);
        }
        lastPart = ring.part;
        for (std::size_t i = 0; i <= ring.pointCount(); ++i) {
            const std::size_t k = i % ring.pointCount();
            Row row;
            row.name = QString::fromStdString(ring.pointName(k));
            // Surveying convention: X is the northing, Y the easting.
            row.x = coordinateText(ring.y(k));
            row.y = coordinateText(ring.x(k));
            if (i < ring.pointCount())
                row.length = lengthText(ring.edgeLengthM[k]);
            rows.push_back(row);
        }
    }
    return rows;
}

namespace {

/// The page's size factor: 1 on A4, √2 on A3.
double unitOf(QSizeF page)
{
    return page.width() / 210.0;
}

constexpr double kMarginMm = 10;
constexpr double kRowMm = 4.6;

struct FirstPage {
    QRectF inner, title, info, map, sides, table, foot;
};

FirstPage firstPageLayout(QSizeF page)
{
    const double u = unitOf(page);
    FirstPage p;
    p.inner =
        QRectF(kMarginMm, kMarginMm, page.width() - 2 * kMarginMm, page.height() - 2 * kMarginMm);
    double y = p.inner.top();
    p.title = QRectF(p.inner.left(), y, p.inner.width(), 13 * u);
    y = p.title.bottom();
    p.info = QRectF(p.inner.left(), y, p.inner.width(), 14 * u);
    y = p.info.bottom();
    p.map = QRectF(p.inner.left(), y, p.inner.width(), page.height() * 0.42);
    y = p.map.bottom();
    p.sides = QRectF(p.inner.left(), y, p.inner.width(), 14 * u);
    y = p.sides.bottom();
    p.foot = QRectF(p.inner.left(), p.inner.bottom() - 15 * u, p.inner.width(), 15 * u);
    p.table = QRectF(p.inner.left(), y, p.inner.width(), p.foot.top() - y);
    return p;
}

/// Table rows that fit `height` (mm) after the heading and the column header, per column block.
int rowsIn(double height, double u)
{
    return std::max(
        1, static_cast<int>(std::floor((height - 2 * kRowMm * u - 12 * u) / (kRowMm * u))));
}

} // namespace

namespace {

QRectF mapFrameOf(const FirstPage& p, double u)
{
    return p.map.adjusted(0, 1.5 * u, 0, -1.5 * u);
}

MapTransform transformOf(const QRectF& frame, const geo::Envelope& envelope, double scale,
                         double unitM)
{
    MapTransform t;
    t.frame = frame;
    t.cx = envelope.isEmpty() ? 0 : (envelope.minX + envelope.maxX) / 2;
    t.cy = envelope.isEmpty() ? 0 : (envelope.minY + envelope.maxY) / 2;
    t.mmPerUnit = 1000.0 * unitM / scale;
    return t;
}

/// Measures text in millimetres as the pages draw it (on a device of the vector grid).
class TextMeasure {
public:
    TextMeasure() : m_device(1, 1, QImage::Format_RGB32)
    {
        const int dotsPerMetre = static_cast<int>(std::lround(kVectorDpi / 0.0254));
        m_device.setDotsPerMeterX(dotsPerMetre);
        m_device.setDotsPerMeterY(dotsPerMetre);
    }
    /// The box of `lines` (mm): the widest line, and a line height each.
    QSizeF size(const QStringList& lines, double points) const
    {
        const QFontMetricsF metrics(QFont(pageFont(points), &m_device), &m_device);
        double width = 0;
        for (const QString& line : lines)
            width = std::max(width, metrics.horizontalAdvance(line));
        const double perMm = kVectorDpi / kMmPerInch;
        return {width / perMm, metrics.height() * static_cast<double>(lines.size()) / perMm};
    }

private:
    QImage m_device;
};

} // namespace

std::vector<ParcelSheetBook::NeighbourLabel>
ParcelSheetBook::neighbourLabels(const ParcelSheet& sheet) const
{
    std::vector<NeighbourLabel> placed;
    const geo::Layer& layer = *m_layer->layer;
    if (layer.geometry.isEmpty(sheet.feature))
        return placed;
    const double u = unitOf(m_pageMm);
    const QRectF frame = mapFrameOf(firstPageLayout(m_pageMm), u);
    const MapTransform t = transformOf(frame, layer.geometry.envelope(sheet.feature),
                                       scaleDenominator(sheet), m_unitM);
    const geo::Envelope extent = t.extent();

    // What a label may not cover: the plot with room for its point and edge labels, the north
    // arrow's card, the scale bar and the scale, the problems note.
    // A plot on the page (mm): its outer rings only, or all its rings (holes are outside).
    const auto pagePath = [&](std::size_t feature, bool holes) {
        QPainterPath path;
        path.setFillRule(holes ? Qt::OddEvenFill : Qt::WindingFill);
        for (std::size_t part = 0; part < layer.geometry.partCount(feature); ++part)
            for (std::size_t r = 0; r < (holes ? layer.geometry.ringCount(feature, part) : 1);
                 ++r) {
                const geo::RingView ring = layer.geometry.ring(feature, part, r);
                QPolygonF polygon;
                for (std::size_t i = 0; i < ring.vertexCount(); ++i)
                    polygon.append(t(ring.x(i), ring.y(i)));
                path.addPolygon(polygon);
            }
        return path;
    };
    const QPainterPath plot = pagePath(sheet.feature, false);
    const double plotMargin = 5.5 * u; // J labels sit 3.2 mm out, half their height on
    std::vector<QRectF> obstacles = {
        QRectF(frame.right() - 15 * u, frame.top() + 2 * u, 12 * u, 25 * u),
        QRectF(frame.left(), frame.bottom() - 13 * u, 90 * u, 13 * u)};
    if (!sheet.problems.isEmpty())
        obstacles.emplace_back(frame.left(), frame.top(), frame.width() - 22 * u, 14 * u);
    const QRectF inside = frame.adjusted(1 * u, 1 * u, -1 * u, -1 * u);
    const auto isFree = [&](const QRectF& box) {
        if (!inside.contains(box))
            return false;
        if (plot.intersects(box.adjusted(-plotMargin, -plotMargin, plotMargin, plotMargin)))
            return false;
        for (const QRectF& obstacle : obstacles)
            if (obstacle.intersects(box))
                return false;
        for (const NeighbourLabel& label : placed)
            // Apart enough that each reads as its own plot's.
            if (label.boxMm.adjusted(-2.5 * u, -1.5 * u, 2.5 * u, 1.5 * u).intersects(box))
                return false;
        return true;
    };

    // Which first: the neighbours of the 四至 by how long they face the plot, then the rest by
    // how much of them is on the map.
    struct Candidate {
        std::uint32_t feature;
        double facingM;
        double shownArea;
        geo::Envelope shown;
    };
    std::vector<Candidate> candidates;
    for (const std::uint32_t other : m_finder->plotsNear(extent, sheet.feature)) {
        const geo::Envelope& e = layer.geometry.envelope(other);
        const geo::Envelope shown{std::max(e.minX, extent.minX), std::max(e.minY, extent.minY),
                                  std::min(e.maxX, extent.maxX), std::min(e.maxY, extent.maxY)};
        if (shown.isEmpty() || !(shown.maxX > shown.minX) || !(shown.maxY > shown.minY))
            continue;
        double facingM = 0;
        for (const auto& side : sheet.sides.sides)
            for (const geo::SideNeighbour& n : side)
                if (n.kind == geo::SideNeighbour::Kind::Plot && n.feature == other)
                    facingM += n.facingLengthM;
        candidates.push_back({other, facingM, shown.width() * shown.height(), shown});
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) {
                         if ((a.facingM > 0) != (b.facingM > 0))
                             return a.facingM > 0;
                         if (a.facingM != b.facingM)
                             return a.facingM > b.facingM;
                         return a.shownArea > b.shownArea;
                     });

    const TextMeasure measure;
    const double points = 6 * u;
    for (const Candidate& c : candidates) {
        QStringList lines = {plotId(c.feature)};
        if (m_ownerField >= 0 && !layer.attributes.isUnknown(c.feature, m_ownerField))
            lines.append(QString::fromStdString(layer.attributes.text(c.feature, m_ownerField)));
        // Places inside the visible part of the neighbour: its centre, then a grid of points
        // nearest the centre first.
        const QPointF centre = t((c.shown.minX + c.shown.maxX) / 2, (c.shown.minY + c.shown.maxY) / 2);
        std::vector<QPointF> spots = {centre};
        constexpr int kGrid = 7;
        for (int i = 0; i < kGrid; ++i)
            for (int j = 0; j < kGrid; ++j)
                spots.push_back(t(c.shown.minX + c.shown.width() * (i + 0.5) / kGrid,
                                  c.shown.minY + c.shown.height() * (j + 0.5) / kGrid));
        std::stable_sort(spots.begin() + 1, spots.end(), [&](QPointF a, QPointF b) {
            return QLineF(a, centre).length() < QLineF(b, centre).length();
        });
        // Wholly inside the plot (no boundary through the text) in the full font, then in a
        // smaller one, then only its centre inside, in either.
        const QPainterPath own = pagePath(c.feature, true);
        bool done = false;
        for (const auto& [size, wholly] : {std::pair{points, true}, std::pair{points * 0.8, true},
                                           std::pair{points, false},
                                           std::pair{points * 0.8, false}}) {
            const QSizeF box = measure.size(lines, size) + QSizeF(1 * u, 0.4 * u);
            for (const QPointF spot : spots) {
                const QRectF rect(spot.x() - box.width() / 2, spot.y() - box.height() / 2,
                                  box.width(), box.height());
                if (wholly ? !own.contains(rect) : !own.contains(spot))
                    continue;
                if (!isFree(rect))
                    continue;
                placed.push_back({c.feature, lines.join(QLatin1Char('\n')), rect, size});
                done = true;
                break;
            }
            if (done)
                break;
        }
    }
    return placed;
}

int ParcelSheetBook::rowsOnFirstPage() const
{
    return 2 * rowsIn(firstPageLayout(m_pageMm).table.height(), unitOf(m_pageMm));
}

int ParcelSheetBook::rowsOnLaterPage() const
{
    const double u = unitOf(m_pageMm);
    const double height = m_pageMm.height() - 2 * kMarginMm - 13 * u - 15 * u;
    return 2 * rowsIn(height, u);
}

int ParcelSheetBook::pageCount(const ParcelSheet& sheet) const
{
    const int rows = static_cast<int>(tableRows(sheet).size());
    const int first = rowsOnFirstPage();
    if (rows <= first)
        return 1;
    const int later = rowsOnLaterPage();
    return 1 + (rows - first + later - 1) / later;
}

double ParcelSheetBook::scaleDenominator(const ParcelSheet& sheet) const
{
    if (m_options.layout.scaleDenominator > 0)
        return m_options.layout.scaleDenominator;
    const geo::Envelope& envelope = m_layer->layer->geometry.envelope(sheet.feature);
    const QRectF frame = firstPageLayout(m_pageMm).map;
    if (envelope.isEmpty())
        return 500;
    // The plot takes at most ~70 % of the frame, leaving room for the neighbours and labels.
    const double widthM = std::max(envelope.width() * m_unitM, 1.0);
    const double heightM = std::max(envelope.height() * m_unitM, 1.0);
    const double denominator =
        std::max(widthM / (frame.width() * 0.7 / 1000), heightM / (frame.height() * 0.7 / 1000));
    return roundScaleUp(std::max(denominator, 100.0));
}

void ParcelSheetBook::paint(QPainter& painter, double dpi, const ParcelSheet& sheet, int page) const
{
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    Mm mm(painter, dpi);
    const double u = unitOf(m_pageMm);
    const PageLayout& layout = m_options.layout;
    const int pages = pageCount(sheet);
    const FirstPage p = firstPageLayout(m_pageMm);
    const QString title = layout.title.isEmpty() ? QStringLiteral("宗地图") : layout.title;
    const QString date = layout.date.isEmpty()
                             ? QDate::currentDate().toString(QStringLiteral("yyyy年M月d日"))
                             : layout.date;
    painter.fillRect(mm.px(QRectF(QPointF(0, 0), m_pageMm)), Qt::white);
    mm.rect(p.inner, 0.6 * u);

    const std::vector<Row> rows = tableRows(sheet);
    QRectF tableArea = p.table;
    std::size_t firstRow = 0, rowCount = 0;
    if (page == 0) {
        rowCount = std::min<std::size_t>(rows.size(), static_cast<std::size_t>(rowsOnFirstPage()));
    } else {
        firstRow = static_cast<std::size_t>(rowsOnFirstPage() + (page - 1) * rowsOnLaterPage());
        rowCount = std::min<std::size_t>(rows.size() - std::min(rows.size(), firstRow),
                                         static_cast<std::size_t>(rowsOnLaterPage()));
        tableArea = QRectF(p.inner.left(), p.inner.top() + 13 * u, p.inner.width(),
                           p.foot.top() - p.inner.top() - 13 * u);
    }

    // Title.
    QString heading = page == 0 ? title : title + QStringLiteral("（续）");
    mm.text(p.title, Qt::AlignCenter, heading, 18 * u, true);
    if (pages > 1)
        mm.text(p.title.adjusted(0, 0, -2 * u, 0), Qt::AlignRight | Qt::AlignVCenter,
                QStringLiteral("第 %1 页 / 共 %2 页").arg(page + 1).arg(pages), 7.5 * u);
    mm.line(p.title.bottomLeft(), p.title.bottomRight(), 0.3 * u);

    const double areaMu = sheet.areaMu();
    const QString areaText =
        std::isfinite(sheet.areaM2)
            ? QStringLiteral("%1 m²（%2 亩）")
                  .arg(QString::number(sheet.areaM2, 'f', 2), QString::number(areaMu, 'f', 4))
            : QStringLiteral("无法量算");
    const QString methodText = QString::fromStdString(geo::displayName(
        geo::NameGroup::Kind, geo::toString(m_options.areaMethod), geo::Language::Chinese));

    if (page == 0) {
        // The plot's facts: two rows of label / value pairs.
        const double rowH = p.info.height() / 2;
        const double labelW = 22 * u;
        const double half = p.info.width() / 2;
        const QString landUse =
            sheet.landUseCode.isEmpty()
                ? QStringLiteral("—")
                : (sheet.landUseName.isEmpty() ? sheet.landUseCode
                                               : sheet.landUseName + QStringLiteral("（") +
                                                     sheet.landUseCode + QStringLiteral("）"));
        const QString cells[2][4] = {
            {QStringLiteral("宗地代码"), sheet.plotId, QStringLiteral("权利人"),
             sheet.owner.isEmpty() ? QStringLiteral("—") : sheet.owner},
            {QStringLiteral("土地用途"), landUse, QStringLiteral("宗地面积"), areaText}};
        for (int r = 0; r < 2; ++r)
            for (int c = 0; c < 2; ++c) {
                const double x = p.info.left() + c * half;
                const double y = p.info.top() + r * rowH;
                const QRectF label(x, y, labelW, rowH), value(x + labelW, y, half - labelW, rowH);
                mm.rect(label, 0.2 * u, kInk, QColor(242, 242, 242));
                mm.rect(value, 0.2 * u);
                mm.text(label, Qt::AlignCenter, cells[r][2 * c], 8 * u, true);
                mm.text(value.adjusted(1.5 * u, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                        cells[r][2 * c + 1], 8 * u);
            }

        // The map.
        const QRectF frame = mapFrameOf(p, u);
        mm.rect(frame, 0.3 * u);
        const double scale = scaleDenominator(sheet);
        const geo::Layer& layer = *m_layer->layer;
        const MapTransform t =
            transformOf(frame, layer.geometry.envelope(sheet.feature), scale, m_unitM);
        const geo::Envelope extent = t.extent();
        painter.save();
        painter.setClipRect(mm.px(frame));
        // Roads: centre lines with their names along them.
        if (m_roads) {
            const geo::GeometryStore& roads = m_roads->layer->geometry;
            for (const std::uint32_t road : m_finder->roadsNear(extent)) {
                painter.setPen(QPen(kRoadInk, mm.px(0.25 * u), Qt::DashDotLine, Qt::FlatCap));
                painter.setBrush(Qt::NoBrush);
                painter.drawPath(pathOf(roads, road, t, mm));
                const QString name = QString::fromStdString(m_finder->roadName(road));
                if (name.isEmpty())
                    continue;
                // On its longest stretch inside the frame.
                double best = 0;
                QPointF a, b;
                for (std::size_t part = 0; part < roads.partCount(road); ++part) {
                    const geo::RingView path = roads.ring(road, part, 0);
                    for (std::size_t i = 0; i + 1 < path.vertexCount(); ++i) {
                        QPointF from = t(path.x(i), path.y(i)),
                                to = t(path.x(i + 1), path.y(i + 1));
                        const QLineF clipped(from, to);
                        // Keep the part of the segment inside the frame (sampled).
                        QPointF first, last;
                        bool any = false;
                        for (int k = 0; k <= 20; ++k) {
                            const QPointF q = clipped.pointAt(k / 20.0);
                            if (frame.adjusted(8 * u, 8 * u, -8 * u, -8 * u).contains(q)) {
                                if (!any)
                                    first = q;
                                last = q;
                                any = true;
                            }
                        }
                        if (any && QLineF(first, last).length() > best) {
                            best = QLineF(first, last).length();
                            a = first;
                            b = last;
                        }
                    }
                }
                if (best > mm.textWidth(mm.font(7 * u), name) + 4 * u)
                    rotatedText(mm, (a + b) / 2, uprightAngle(a, b), name, 7 * u, kRoadInk);
            }
        }
        // Neighbouring plots, lighter, with their numbers and owners (placed apart).
        for (const std::uint32_t other : m_finder->plotsNear(extent, sheet.feature)) {
            painter.setPen(QPen(kNeighbourInk, mm.px(0.2 * u)));
            painter.setBrush(Qt::NoBrush);
            painter.drawPath(pathOf(layer.geometry, other, t, mm));
        }
        for (const NeighbourLabel& label : neighbourLabels(sheet))
            mm.text(label.boxMm, Qt::AlignCenter, label.text, mm.font(label.points),
                    kNeighbourInk);
        // The plot.
        painter.setPen(QPen(kInk, mm.px(0.45 * u), Qt::SolidLine, Qt::FlatCap, Qt::MiterJoin));
        painter.setBrush(kPlotFill);
        painter.drawPath(pathOf(layer.geometry, sheet.feature, t, mm));
        // Edge lengths inside the plot along each edge, and the points outside it.
        const QFont lengthFont = mm.font(6 * u);
        for (const geo::BoundaryRing& ring : sheet.points.rings) {
            const std::size_t count = ring.pointCount();
            for (std::size_t i = 0; i < count; ++i) {
                const std::size_t j = (i + 1) % count;
                const QPointF a = t(ring.x(i), ring.y(i)), b = t(ring.x(j), ring.y(j));
                const QLineF edge(a, b);
                const QString text = lengthText(ring.edgeLengthM[i]);
                if (edge.length() < mm.textWidth(lengthFont, text) + 3 * u)
                    continue;
                // Clockwise on the map is clockwise on the page: the plot is to the right.
                const QPointF direction = (b - a) / edge.length();
                const QPointF inward(-direction.y(), direction.x());
                rotatedText(mm, (a + b) / 2 + inward * 2.2 * u, uprightAngle(a, b), text, 6 * u,
                            kInk);
            }
            QPointF lastLabel(-1e9, -1e9);
            for (std::size_t i = 0; i < count; ++i) {
                const std::size_t prev = (i + count - 1) % count, next = (i + 1) % count;
                const QPointF v = t(ring.x(i), ring.y(i));
                const QPointF a = t(ring.x(prev), ring.y(prev)), b = t(ring.x(next), ring.y(next));
                painter.setPen(QPen(kInk, mm.px(0.2 * u)));
                painter.setBrush(Qt::white);
                painter.drawEllipse(mm.px(v), mm.px(0.7 * u), mm.px(0.7 * u));
                if (QLineF(v, lastLabel).length() < 2.5 * u && i != 0)
                    continue;
                // Outward: away from the plot, along the bisector of the edges' outer normals.
                const auto outward = [](QPointF from, QPointF to) {
                    const QLineF l(from, to);
                    if (l.length() == 0)
                        return QPointF();
                    const QPointF d = (to - from) / l.length();
                    return QPointF(d.y(), -d.x());
                };
                QPointF n = outward(a, v) + outward(v, b);
                const double norm = std::hypot(n.x(), n.y());
                n = norm > 1e-9 ? n / norm : outward(v, b);
                rotatedText(mm, v + n * 3.2 * u, 0, QString::fromStdString(ring.pointName(i)),
                            6.5 * u, kInk);
                lastLabel = v;
            }
        }
        painter.restore();
        // North arrow (top right of the frame).
        {
            const QPointF tip(frame.right() - 9 * u, frame.top() + 5 * u);
            // On a white card, so a neighbour's label under it does not run through it.
            mm.rect(QRectF(tip.x() - 5 * u, tip.y() - 2 * u, 10 * u, 23 * u), 0, kInk, Qt::white);
            QPainterPath arrow;
            arrow.moveTo(mm.px(tip));
            arrow.lineTo(mm.px(tip + QPointF(3 * u, 11 * u)));
            arrow.lineTo(mm.px(tip + QPointF(0, 8 * u)));
            arrow.closeSubpath();
            painter.setPen(QPen(kInk, mm.px(0.2 * u)));
            painter.setBrush(kInk);
            painter.drawPath(arrow);
            QPainterPath other;
            other.moveTo(mm.px(tip));
            other.lineTo(mm.px(tip + QPointF(-3 * u, 11 * u)));
            other.lineTo(mm.px(tip + QPointF(0, 8 * u)));
            other.closeSubpath();
            painter.setBrush(Qt::white);
            painter.drawPath(other);
            mm.text(QRectF(tip.x() - 5 * u, tip.y() + 11 * u, 10 * u, 5 * u), Qt::AlignCenter,
                    QStringLiteral("北"), 8 * u, true);
        }
        // Scale bar (bottom left) and the scale.
        {
            const double metresPerMm = scale / 1000.0;
            const double lengthM = roundStepDown(30 * u * metresPerMm);
            const double barMm = lengthM / metresPerMm;
            const QPointF origin(frame.left() + 5 * u, frame.bottom() - 6 * u);
            for (int k = 0; k < 2; ++k)
                mm.rect(QRectF(origin.x() + k * barMm / 2, origin.y(), barMm / 2, 1.2 * u), 0.2 * u,
                        kInk, k == 0 ? QBrush(kInk) : QBrush(Qt::white));
            mm.text(QRectF(origin.x() - 5 * u, origin.y() - 5 * u, 10 * u, 4.5 * u),
                    Qt::AlignCenter, QStringLiteral("0"), 6.5 * u);
            mm.text(QRectF(origin.x() + barMm - 10 * u, origin.y() - 5 * u, 20 * u, 4.5 * u),
                    Qt::AlignCenter, QString::number(lengthM, 'g', 6) + QStringLiteral(" 米"),
                    6.5 * u);
            mm.text(QRectF(origin.x() + barMm + 8 * u, origin.y() - 2 * u, 30 * u, 5 * u),
                    Qt::AlignLeft | Qt::AlignVCenter,
                    QStringLiteral("1:%1").arg(static_cast<long long>(std::llround(scale))), 8 * u,
                    true);
        }
        // Problems, on the map where they cannot be missed.
        if (!sheet.problems.isEmpty())
            mm.text(
                QRectF(frame.left() + 2 * u, frame.top() + 1.5 * u, frame.width() - 24 * u, 12 * u),
                Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                QStringLiteral("图形问题：") + sheet.problems.join(QStringLiteral("；")), 7 * u,
                true, kProblemInk);

        // 四至.
        const double sideH = p.sides.height() / 2;
        const geo::Side order[4] = {geo::Side::East, geo::Side::South, geo::Side::West,
                                    geo::Side::North};
        for (int k = 0; k < 4; ++k) {
            const auto s = static_cast<std::size_t>(order[k]);
            const double x = p.sides.left() + (k % 2) * (p.sides.width() / 2);
            const double y = p.sides.top() + (k / 2) * sideH;
            const QRectF label(x, y, 16 * u, sideH);
            const QRectF value(x + 16 * u, y, p.sides.width() / 2 - 16 * u, sideH);
            mm.rect(label, 0.2 * u, kInk, QColor(242, 242, 242));
            mm.rect(value, 0.2 * u);
            mm.text(label, Qt::AlignCenter, QString::fromUtf8(geo::chineseName(order[k])), 8 * u,
                    true);
            QStringList names;
            for (const geo::SideNeighbour& n : sheet.sides.sides[s])
                names.append(QString::fromStdString(n.name));
            QString text = names.isEmpty() ? QStringLiteral("无相邻宗地或道路")
                                           : names.join(QStringLiteral("、"));
            mm.text(value.adjusted(1.5 * u, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, text,
                    7.5 * u);
        }
    } else {
        mm.text(QRectF(p.inner.left() + 2 * u, p.title.top(), 80 * u, p.title.height()),
                Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("宗地代码 ") + sheet.plotId,
                8 * u);
    }

    // 界址点成果表.
    {
        const QRectF headingBox(tableArea.left(), tableArea.top() + 1 * u, tableArea.width(),
                                7 * u);
        // A CRS in feet keeps its coordinates in feet; the lengths are metres all the same.
        const QString units = m_unitM == 1 ? QStringLiteral("单位：米")
                                           : QStringLiteral("坐标单位：%1 米；边长单位：米")
                                                 .arg(QString::number(m_unitM, 'g', 10));
        mm.text(headingBox, Qt::AlignCenter,
                QStringLiteral("界址点成果表（X 为纵坐标，向北；Y 为横坐标，向东；") + units +
                    QStringLiteral("）"),
                8.5 * u, true);
        const double blockGap = 3 * u;
        const double blockW = (tableArea.width() - blockGap) / 2;
        const int perBlock = (static_cast<int>(rowCount) + 1) / 2;
        const double widths[4] = {0.16, 0.31, 0.33, 0.20};
        const QString header[4] = {QStringLiteral("点号"), QStringLiteral("X（北）"),
                                   QStringLiteral("Y（东）"), QStringLiteral("边长")};
        const double rowH = kRowMm * u;
        const double top = headingBox.bottom() + 0.5 * u;
        const int blocks = rowCount > 0 ? (static_cast<int>(rowCount) > perBlock ? 2 : 1) : 1;
        for (int block = 0; block < blocks; ++block) {
            const double left = tableArea.left() + block * (blockW + blockGap);
            double x = left;
            for (int c = 0; c < 4; ++c) {
                const QRectF cell(x, top, blockW * widths[c], rowH);
                mm.rect(cell, 0.2 * u, kInk, QColor(242, 242, 242));
                mm.text(cell, Qt::AlignCenter, header[c], 7 * u, true);
                x += blockW * widths[c];
            }
            const std::size_t begin = firstRow + static_cast<std::size_t>(block * perBlock);
            const std::size_t end =
                std::min(firstRow + rowCount, begin + static_cast<std::size_t>(perBlock));
            double y = top + rowH;
            for (std::size_t r = begin; r < end; ++r, y += rowH) {
                const Row& row = rows[r];
                if (!row.label.isEmpty()) {
                    const QRectF cell(left, y, blockW, rowH);
                    mm.rect(cell, 0.2 * u);
                    mm.text(cell, Qt::AlignCenter, row.label, 6.5 * u);
                    continue;
                }
                const QString texts[4] = {row.name, row.x, row.y, row.length};
                x = left;
                for (int c = 0; c < 4; ++c) {
                    const QRectF cell(x, y, blockW * widths[c], rowH);
                    mm.rect(cell, 0.2 * u);
                    mm.text(cell.adjusted(0.8 * u, 0, -0.8 * u, 0),
                            (c == 0 ? Qt::AlignCenter : Qt::AlignRight | Qt::AlignVCenter),
                            texts[c], 6.5 * u);
                    x += blockW * widths[c];
                }
            }
        }
        if (page == pages - 1) {
            const double tableBottom =
                top + rowH * (1 + std::min<int>(perBlock, static_cast<int>(rowCount)));
            const QRectF total(tableArea.left() + 2 * u, tableBottom + 0.5 * u,
                               tableArea.width() - 4 * u, rowH + u);
            mm.text(total, Qt::AlignLeft | Qt::AlignVCenter,
                    QStringLiteral("界址点数 %1　宗地面积 %2　面积计算方法：%3")
                        .arg(sheet.points.pointCount())
                        .arg(areaText, methodText),
                    7 * u);
        }
    }

    // The title block at the foot: CRS, date, organisation, signatures.
    {
        const QRectF& foot = p.foot;
        mm.line(foot.topLeft(), foot.topRight(), 0.3 * u);
        const double lineH = foot.height() / 3;
        mm.text(QRectF(foot.left() + 2 * u, foot.top(), foot.width() - 4 * u, lineH),
                Qt::AlignLeft | Qt::AlignVCenter,
                QStringLiteral("坐标系：") + QString::fromStdString(m_park->crs.label()) +
                    QStringLiteral("（") + QString::fromStdString(m_park->crs.name()) +
                    QStringLiteral("）　比例尺 1:%1")
                        .arg(static_cast<long long>(std::llround(scaleDenominator(sheet)))),
                7 * u);
        mm.text(
            QRectF(foot.left() + 2 * u, foot.top() + lineH, foot.width() - 4 * u, lineH),
            Qt::AlignLeft | Qt::AlignVCenter,
            QStringLiteral("制图单位：") +
                (layout.organisation.isEmpty() ? QStringLiteral("　　　　　　　　")
                                               : layout.organisation) +
                QStringLiteral("　　制图日期：") + date +
                (layout.footnote.isEmpty() ? QString() : QStringLiteral("　") + layout.footnote),
            7 * u);
        mm.text(QRectF(foot.left() + 2 * u, foot.top() + 2 * lineH, foot.width() - 4 * u, lineH),
                Qt::AlignLeft | Qt::AlignVCenter,
                QStringLiteral("制图：＿＿＿＿＿＿＿＿　　审核：＿＿＿＿＿＿＿＿　　宗地代码：") +
                    sheet.plotId,
                7 * u);
    }
}

QImage ParcelSheetBook::renderImage(const ParcelSheet& sheet, int page, double dpi) const
{
    const QSize size(static_cast<int>(std::lround(m_pageMm.width() / kMmPerInch * dpi)),
                     static_cast<int>(std::lround(m_pageMm.height() / kMmPerInch * dpi)));
    QImage image(size, QImage::Format_RGB32);
    if (image.isNull())
        return image;
    const int dotsPerMetre = static_cast<int>(std::lround(dpi / 0.0254));
    image.setDotsPerMeterX(dotsPerMetre);
    image.setDotsPerMeterY(dotsPerMetre);
    image.fill(Qt::white);
    QPainter painter(&image);
    paint(painter, dpi, sheet, page);
    return image;
}

std::optional<std::size_t> ParcelSheetBook::writePdf(const QString& path,
                                                     const std::vector<std::size_t>& features,
                                                     const geo::ProgressCallback& progress) const
{
    const auto fail = [&path](const QString& why) {
        return geo::IoError("cannot write the parcel sheets: " + why.toStdString(),
                            {path.toStdString(), {}, -1, {}});
    };
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw fail(file.errorString());
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    std::size_t pagesWritten = 0;
    {
        QPdfWriter writer(&buffer);
        const double dpi = kVectorDpi;
        writer.setResolution(static_cast<int>(dpi));
        writer.setPageLayout(QPageLayout(QPageSize(m_pageMm, QPageSize::Millimeter),
                                         QPageLayout::Portrait, QMarginsF(0, 0, 0, 0),
                                         QPageLayout::Millimeter));
        writer.setTitle(m_options.layout.title.isEmpty() ? QStringLiteral("宗地图")
                                                         : m_options.layout.title);
        writer.setCreator(QStringLiteral("ParkAtlas"));
        QPainter painter;
        if (!painter.begin(&writer))
            throw fail(QStringLiteral("Qt's PDF writer could not start the page"));
        bool firstPage = true;
        pagesWritten = 0;
        for (std::size_t k = 0; k < features.size(); ++k) {
            const ParcelSheet sheet = this->sheet(features[k]);
            const int pages = pageCount(sheet);
            for (int page = 0; page < pages; ++page) {
                if (!firstPage)
                    writer.newPage();
                firstPage = false;
                paint(painter, dpi, sheet, page);
                ++pagesWritten;
            }
            if (progress && !progress(static_cast<double>(k + 1) / features.size())) {
                painter.end();
                file.cancelWriting();
                return std::nullopt;
            }
        }
        painter.end();
    }
    QByteArray pdf = buffer.buffer();
    fixToUnicodeMaps(pdf);
    if (file.write(pdf) != pdf.size())
        throw fail(file.errorString());
    if (!file.commit())
        throw fail(file.errorString());
    return pagesWritten;
}

} // namespace parkatlas::render
