#include "app/desktop/plot_timeline_source.h"

#include "geo/error.h"
#include "geo/model/park.h"
#include "geo/model/role.h"
#include "geo/rules/findings_io.h"
#include "geo/store/history.h"

#include <exception>
#include <optional>
#include <string>

namespace parkatlas::desktop {

namespace {

/// The contract fields of `feature` (current values) and their names in the layer.
geo::TimelineFeature timelineFeature(geo::Role role, const geo::Layer& layer, std::size_t feature,
                                     const std::string& asOf, std::string& problem)
{
    geo::TimelineFeature result;
    result.role = role;
    const std::vector<int> resolved = geo::resolveContractFields(role, layer.attributes);
    const auto& contract = geo::contractFields(role);
    for (std::size_t c = 0; c < contract.size() && c < resolved.size(); ++c) {
        if (resolved[c] < 0)
            continue;
        result.fields[contract[c].name] = layer.attributes.text(feature, resolved[c]);
        result.sourceNames[contract[c].name] =
            layer.attributes.fields()[static_cast<std::size_t>(resolved[c])].name;
    }
    if (layer.sourcePath.empty())
        return result;
    const std::int64_t fid = layer.fids[feature];
    try {
        const std::optional<geo::Date> day = geo::Date::parse(asOf);
        const std::string cutoff = day ? geo::parkDateCutoff(*day) : std::string();
        const std::string roleName = geo::toString(role);
        for (geo::HistoryEntry& entry :
             geo::readHistory(layer.sourcePath, {{layer.name, geo::idFieldName(roleName)}},
                              std::to_string(fid))) {
            if (!entry.fid || *entry.fid != fid)
                continue;
            if (!cutoff.empty() && entry.validTo >= cutoff)
                continue;
            result.history.push_back(std::move(entry));
        }
    } catch (const std::exception& error) {
        if (problem.empty())
            problem = error.what();
    }
    return result;
}

} // namespace

PlotTimeline plotTimelineOf(const std::vector<MapCanvas::CanvasLayer>& layers,
                            std::size_t layerIndex, std::size_t feature, const std::string& asOf)
{
    PlotTimeline timeline;
    if (layerIndex >= layers.size())
        return timeline;
    const render::LayerSnapshot& snapshot = layers[layerIndex].snapshot;
    if (!snapshot.role || !snapshot.layer || snapshot.isRaster())
        return timeline;
    const geo::Role role = *snapshot.role;
    if (role != geo::Role::Parcels && role != geo::Role::Acquisition && role != geo::Role::IdleLand)
        return timeline;
    timeline.applies = true;
    std::vector<geo::TimelineFeature> features;
    features.push_back(timelineFeature(role, *snapshot.layer, feature, asOf, timeline.problem));
    if (role == geo::Role::Parcels) {
        // The idle-land cases of this parcel (idle_land.parcel_id).
        const auto id = features.front().fields.find("parcel_id");
        if (id != features.front().fields.end() && !id->second.empty())
            for (const MapCanvas::CanvasLayer& other : layers) {
                const render::LayerSnapshot& idle = other.snapshot;
                if (!idle.role || *idle.role != geo::Role::IdleLand || !idle.layer ||
                    idle.isRaster())
                    continue;
                const std::vector<int> resolved =
                    geo::resolveContractFields(geo::Role::IdleLand, idle.layer->attributes);
                const auto& contract = geo::contractFields(geo::Role::IdleLand);
                int parcelField = -1;
                for (std::size_t c = 0; c < contract.size() && c < resolved.size(); ++c)
                    if (std::string(contract[c].name) == "parcel_id")
                        parcelField = resolved[c];
                if (parcelField < 0)
                    continue;
                for (std::size_t row = 0; row < idle.layer->featureCount(); ++row)
                    if (idle.layer->attributes.text(row, parcelField) == id->second)
                        features.push_back(timelineFeature(geo::Role::IdleLand, *idle.layer, row,
                                                           asOf, timeline.problem));
            }
    }
    timeline.steps = geo::buildPlotTimeline(features);
    return timeline;
}

} // namespace parkatlas::desktop
