#include "app/render/change_map.h"

#include <algorithm>
#include <cmath>

namespace parkatlas::render {

namespace {

void copyFeature(const geo::GeometryStore& from, std::size_t feature, geo::GeometryStore& to)
{
    to.beginFeature();
    for (std::size_t part = 0; part < from.partCount(feature); ++part) {
        to.beginPart();
        for (std::size_t ring = 0; ring < from.ringCount(feature, part); ++ring) {
            to.beginRing();
            const geo::RingView view = from.ring(feature, part, ring);
            for (std::size_t i = 0; i < view.vertexCount(); ++i)
                to.addVertex(view.x(i), view.y(i));
        }
    }
    to.endFeature();
}

struct Overlay {
    std::shared_ptr<geo::Layer> polygons, lines;
};

std::shared_ptr<geo::Layer> newLayer(const char* name, const geo::Crs& crs, geo::GeometryKind kind)
{
    auto layer = std::make_shared<geo::Layer>();
    layer->name = name;
    layer->crs = crs;
    layer->geometry.setKind(kind);
    return layer;
}

} // namespace

std::vector<LayerSnapshot> changeOverlays(const geo::Park& park, const geo::Park& previous,
                                          const geo::ParkDiff& diff,
                                          const std::vector<geo::Role>& roles,
                                          std::vector<std::vector<ChangePlace>>* places)
{
    if (places) {
        places->assign(diff.layers.size(), {});
        for (std::size_t l = 0; l < diff.layers.size(); ++l)
            (*places)[l].resize(diff.layers[l].items.size());
    }
    // In the order drawn: removed first (under), then changed, then added.
    const geo::ChangeKind order[] = {geo::ChangeKind::Removed, geo::ChangeKind::Changed,
                                     geo::ChangeKind::Added};
    std::vector<LayerSnapshot> out;
    for (geo::ChangeKind kind : order) {
        const std::string label = std::string(geo::chineseName(kind));
        auto polygons = newLayer(geo::chineseName(kind), park.crs, geo::GeometryKind::Polygon);
        auto lines =
            newLayer((label + "（线）").c_str(), park.crs, geo::GeometryKind::Line);
        // The places filled in this kind, by the layer they went to (0 polygons, 1 lines).
        std::vector<std::pair<int, ChangePlace*>> placed;
        for (std::size_t l = 0; l < diff.layers.size(); ++l) {
            const geo::LayerDiff& layerDiff = diff.layers[l];
            if (!roles.empty() &&
                std::find(roles.begin(), roles.end(), layerDiff.role) == roles.end())
                continue;
            const bool fromOld = kind == geo::ChangeKind::Removed;
            const geo::ParkLayer* source = (fromOld ? previous : park).layer(layerDiff.role);
            if (!source)
                continue;
            const geo::GeometryKind geometryKind = source->layer->geometry.kind();
            if (geometryKind != geo::GeometryKind::Polygon && geometryKind != geo::GeometryKind::Line)
                continue;
            auto& target = geometryKind == geo::GeometryKind::Polygon ? polygons : lines;
            for (std::size_t i = 0; i < layerDiff.items.size(); ++i) {
                const geo::DiffItem& item = layerDiff.items[i];
                if (item.kind != kind)
                    continue;
                ChangePlace* place = places ? &(*places)[l][i] : nullptr;
                if (place)
                    placed.emplace_back(geometryKind == geo::GeometryKind::Line ? 1 : 0, place);
                for (std::size_t row : fromOld ? item.oldRows : item.newRows) {
                    if (place)
                        place->features.push_back(
                            static_cast<std::uint32_t>(target->geometry.featureCount()));
                    copyFeature(source->layer->geometry, row, target->geometry);
                    target->fids.push_back(source->layer->fids[row]);
                }
            }
        }
        int snapshotOf[2] = {-1, -1};
        LayerStyle style;
        switch (kind) {
        case geo::ChangeKind::Added:
            style.stroke = QColor(26, 152, 80);
            style.fill = QColor(26, 152, 80, 150);
            break;
        case geo::ChangeKind::Changed:
            style.stroke = QColor(230, 120, 0);
            style.fill = QColor(253, 174, 97, 150);
            break;
        case geo::ChangeKind::Removed:
            style.stroke = QColor(215, 25, 28);
            style.fill = QColor(215, 25, 28);
            style.fillPattern = Qt::BDiagPattern;
            style.strokeStyle = Qt::DashLine;
            break;
        }
        style.strokeWidth = 1.4;
        for (auto* layer : {&polygons, &lines}) {
            if ((*layer)->featureCount() == 0)
                continue;
            LayerStyle own = style;
            if ((*layer)->geometry.kind() == geo::GeometryKind::Line)
                own.strokeWidth = 3.0;
            own.label = QString::fromStdString((*layer)->name);
            snapshotOf[layer == &polygons ? 0 : 1] = static_cast<int>(out.size());
            out.emplace_back(std::shared_ptr<const geo::Layer>(*layer), own);
        }
        for (auto& [which, place] : placed)
            place->snapshot = snapshotOf[which];
    }
    return out;
}

geo::LedgerTable changesTable(const geo::ParkDiff& diff)
{
    using Kind = geo::LedgerColumn::Kind;
    geo::LedgerTable table;
    table.id = "changes";
    table.title = "变化统计表";
    table.columns = {{"role", "图层", Kind::Text, 0},
                     {"added", "新增", Kind::Count, 0},
                     {"changed", "变更", Kind::Count, 0},
                     {"removed", "灭失", Kind::Count, 0},
                     {"added_size", "新增（亩/km）", Kind::Ratio, 2},
                     {"removed_size", "灭失（亩/km）", Kind::Ratio, 2}};
    for (const geo::LayerDiff& layer : diff.layers) {
        if (layer.items.empty())
            continue;
        std::int64_t counts[3] = {0, 0, 0};
        double added = 0, removed = 0;
        for (const geo::DiffItem& item : layer.items) {
            ++counts[static_cast<int>(item.kind)];
            const double newSize = std::isfinite(item.newAreaMu) ? item.newAreaMu : item.newLengthKm;
            const double oldSize = std::isfinite(item.oldAreaMu) ? item.oldAreaMu : item.oldLengthKm;
            if (item.kind == geo::ChangeKind::Added && std::isfinite(newSize))
                added += newSize;
            if (item.kind == geo::ChangeKind::Removed && std::isfinite(oldSize))
                removed += oldSize;
        }
        table.rows.push_back({std::string(geo::chineseName(layer.role)), counts[0], counts[2],
                              counts[1], added, removed});
    }
    table.notes.push_back("分割、合并各计一处变更；道路、管网以 km 计，其余以亩计");
    return table;
}

} // namespace parkatlas::render
