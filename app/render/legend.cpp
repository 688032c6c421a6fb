#include "app/render/legend.h"

#include "app/render/marker_path.h"

#include <QPainter>
#include <QPainterPath>
#include <QRectF>

#include <algorithm>

namespace parkatlas::render {

namespace {

constexpr double kStyleDpi = 96.0;

LegendEntry makeEntry(QString label, const Symbol& symbol, geo::GeometryKind kind, QString group)
{
    LegendEntry entry;
    entry.label = std::move(label);
    entry.symbol = symbol;
    entry.kind = kind;
    entry.group = std::move(group);
    return entry;
}

bool startsWithCode(const QString& label)
{
    return !label.isEmpty() && label.front().unicode() < 128 && label.front().isLetterOrNumber();
}

} // namespace

QString layerDisplayName(const LayerSnapshot& snapshot)
{
    if (snapshot.role)
        return QString::fromUtf8(geo::chineseName(*snapshot.role));
    return snapshot.layer ? QString::fromStdString(snapshot.layer->name) : QString();
}

std::vector<LegendEntry> legendEntries(const std::vector<LayerSnapshot>& layers,
                                       const geo::Envelope& extent, double scaleDenominator)
{
    std::vector<LegendEntry> entries;
    for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
        const LayerSnapshot& snapshot = *it;
        if (!snapshot.layer || snapshot.features || !snapshot.style.shownAtScale(scaleDenominator))
            continue;
        const geo::GeometryStore& store = snapshot.layer->geometry;
        const LayerStyle outlined = snapshot.style.outlinesOnlyAtScale(scaleDenominator)
                                        ? snapshot.style.outlinesOnly()
                                        : LayerStyle();
        const LayerStyle& style =
            snapshot.style.outlinesOnlyAtScale(scaleDenominator) ? outlined : snapshot.style;
        const QString group = layerDisplayName(snapshot);
        const std::size_t classCount = style.classes.size();
        std::vector<std::size_t> firstSeen(classCount + 1, SIZE_MAX); // last: no class
        std::size_t order = 0;
        bool any = false;
        for (std::size_t feature = 0; feature < store.featureCount(); ++feature) {
            if (store.isEmpty(feature) || !store.envelope(feature).intersects(extent))
                continue;
            any = true;
            if (classCount == 0)
                break;
            std::size_t index = classCount;
            if (style.featureClass && feature < style.featureClass->size() &&
                (*style.featureClass)[feature] < classCount)
                index = (*style.featureClass)[feature];
            if (firstSeen[index] == SIZE_MAX)
                firstSeen[index] = order++;
        }
        if (!any)
            continue;
        const geo::GeometryKind kind = store.kind();
        if (classCount == 0) {
            entries.push_back(makeEntry(group, style, kind, group));
            continue;
        }
        std::vector<std::size_t> present;
        for (std::size_t index = 0; index < classCount; ++index)
            if (firstSeen[index] != SIZE_MAX)
                present.push_back(index);
        const bool byCode = std::all_of(present.begin(), present.end(), [&](std::size_t index) {
            return startsWithCode(style.classes[index].label);
        });
        std::sort(present.begin(), present.end(), [&](std::size_t a, std::size_t b) {
            if (byCode)
                return style.classes[a].label < style.classes[b].label;
            return firstSeen[a] < firstSeen[b];
        });
        for (const std::size_t index : present) {
            const Symbol& symbol = style.classes[index];
            if (byCode) {
                // One class, one entry: M1 (GB 50137) and 100101 (GTKJ-2023) by the
                // crosswalk, or a class a layer above already lists (plan zones under
                // parcels). The entry keeps the first symbol and names every code.
                const QString key = symbol.classKey.isEmpty() ? symbol.label : symbol.classKey;
                const QString code = symbol.label.section(QLatin1Char(' '), 0, 0);
                const auto same =
                    std::find_if(entries.begin(), entries.end(),
                                 [&](const LegendEntry& e) { return e.classKey == key; });
                if (same != entries.end()) {
                    if (!same->codes.contains(code)) {
                        const QString name =
                            same->label.mid(same->codes.join(QStringLiteral(" / ")).size())
                                .trimmed();
                        same->codes.append(code);
                        same->label = same->codes.join(QStringLiteral(" / ")) +
                                      (name.isEmpty() ? QString() : QLatin1Char(' ') + name);
                    }
                    continue;
                }
                LegendEntry entry =
                    makeEntry(symbol.label.isEmpty() ? group : symbol.label, symbol, kind, group);
                entry.codes = {code};
                entry.classKey = key;
                entries.push_back(std::move(entry));
                continue;
            }
            // A stage or kind needs its layer ("道路工程：在建").
            const QString label =
                symbol.label.isEmpty() ? group : group + QStringLiteral("：") + symbol.label;
            entries.push_back(makeEntry(label, symbol, kind, group));
        }
        if (firstSeen[classCount] != SIZE_MAX) {
            const QString label =
                style.label.isEmpty() ? group + QStringLiteral("（其他）") : style.label;
            entries.push_back(makeEntry(label, style, kind, group));
        }
    }
    return entries;
}

void drawLegendPatch(QPainter& painter, const QRectF& patch, const LegendEntry& entry, double dpi)
{
    const Symbol& symbol = entry.symbol;
    const double scale = dpi / kStyleDpi;
    painter.save();
    QPen pen(Qt::NoPen);
    if (symbol.stroke.alpha() > 0 && symbol.strokeWidth > 0 && symbol.strokeStyle != Qt::NoPen)
        pen = QPen(symbol.stroke, symbol.strokeWidth * scale, symbol.strokeStyle, Qt::FlatCap,
                   Qt::MiterJoin);
    const QBrush brush = brushFor(symbol, painter);
    switch (entry.kind) {
    case geo::GeometryKind::Line: {
        pen.setCapStyle(Qt::FlatCap);
        painter.setPen(pen);
        const double y = patch.center().y();
        painter.drawLine(QPointF(patch.left(), y), QPointF(patch.right(), y));
        break;
    }
    case geo::GeometryKind::Point: {
        painter.setPen(pen);
        painter.setBrush(brush);
        const double radius =
            std::min(symbol.pointDiameter * scale / 2, std::min(patch.width(), patch.height()) / 2);
        painter.drawPath(markerPath(symbol.pointShape, patch.center(), radius));
        break;
    }
    case geo::GeometryKind::Polygon:
    case geo::GeometryKind::None: {
        painter.setPen(pen);
        painter.setBrush(brush);
        const double inset = pen.style() == Qt::NoPen ? 0 : pen.widthF() / 2;
        painter.drawRect(patch.adjusted(inset, inset, -inset, -inset));
        break;
    }
    }
    painter.restore();
}

} // namespace parkatlas::render
