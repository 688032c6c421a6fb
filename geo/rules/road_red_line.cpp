// road_red_line: the part of a plot inside a road's red line (its centre line buffered by half
// its width).

#include "geo/rules/compliance_engine.h"

#include "geo/rules/compliance_rule.h"
#include "geo/rules/server_park.h"

namespace parkatlas::geo {

using namespace compliance;

namespace {

/// True when a vertex of the plot lies in the strip's interior (GEOSPreparedContainsProperly of
/// the point: exact). A vertex is on the plot's boundary, so the plot's interior then meets the
/// strip's near it and the plot cannot only touch the strip: the relate of
/// GEOSPreparedTouches_r (the dearest test of a plot) is needed only when this says false.
bool vertexInInterior(GeosContext& geos, const GEOSPreparedGeometry* strip,
                      const GeometryStore& plots, std::size_t plot)
{
    GEOSContextHandle_t h = geos.handle();
    for (std::size_t part = 0; part < plots.partCount(plot); ++part) {
        const RingView ring = plots.ring(plot, part, 0);
        for (std::size_t k = 0; k < ring.vertexCount(); ++k) {
            GeosGeomPtr point = geos.own(GEOSGeom_createPointFromXY_r(h, ring.x(k), ring.y(k)));
            if (point && GEOSPreparedContainsProperly_r(h, strip, point.get()) == 1)
                return true;
        }
    }
    return false;
}

class RoadRedLineCheck : public RuleStep {
public:
    using RuleStep::RuleStep;

    void checkRoadRedLine()
    {
        const auto& s = m_settings.roadRedLine;
        const LayerView* parcels = view(Role::Parcels);
        const LayerView* roads = view(Role::Roads);
        if (!parcels || !roads) {
            warn(ComplianceRule::RoadRedLine, message("rule_no_layer", "the park has no {role} layer; not checked", {{"role", !parcels ? "parcels" : "roads"}}));
            return;
        }
        if (m_park.crs.isGeographic()) {
            warn(ComplianceRule::RoadRedLine,
                 message("red_lines_in_degrees", "the working CRS is geographic: red lines (metres) cannot be drawn in degrees; give the park a projected \"crs\"; not checked"));
            return;
        }
        const double unitM = m_park.crs.linearUnitM() > 0 ? m_park.crs.linearUnitM() : 1.0;
        const int widthField = roads->fieldIndex("width_m");
        const int stageField = roads->fieldIndex("stage");
        std::vector<double> halfWidth(roads->count(), 0);
        std::vector<Envelope> envelopes(roads->count());
        for (std::size_t r = 0; r < roads->count(); ++r) {
            if (!roads->usable[r])
                continue;
            if (!s.roadStages.empty()) {
                const auto stage = roads->text(r, stageField);
                if (!stage || !contains(s.roadStages, *stage))
                    continue;
            }
            const auto width = roads->number(r, widthField);
            if (!width || *width <= 0) {
                cannotDecide(*m_workers[0], ComplianceRule::RoadRedLine, *roads, r, {"width_m"});
                continue;
            }
            halfWidth[r] = *width / 2 / unitM;
            Envelope e = roads->store().envelope(r);
            e.minX -= halfWidth[r];
            e.minY -= halfWidth[r];
            e.maxX += halfWidth[r];
            e.maxY += halfWidth[r];
            envelopes[r] = e;
        }
        const EnvelopeIndex index(envelopes);
        const int segments = std::max(1, s.quadrantSegments);
        const Worker::Builder build = [&](GeosContext& geos, std::size_t r) {
            GeosGeomPtr line = geos.fromStore(roads->store(), r);
            if (!line)
                return geos.own(nullptr);
            return geos.own(GEOSBuffer_r(geos.handle(), line.get(), halfWidth[r], segments));
        };
        const void* key = &halfWidth;
        const int nameField = roads->idField;
        parallel(parcels->count(), [&](Worker& worker, std::size_t i) {
            if (!parcels->usable[i])
                return;
            index.query(parcels->store().envelope(i), worker.candidates);
            if (worker.candidates.empty())
                return;
            std::sort(worker.candidates.begin(), worker.candidates.end());
            GEOSContextHandle_t h = worker.geos.handle();
            GeosGeomPtr plot = worker.geos.fromStore(parcels->store(), i);
            std::vector<GeosGeomPtr> pieces;
            std::vector<std::string> names, widths;
            for (std::uint32_t r : worker.candidates) {
                const GEOSPreparedGeometry* strip = worker.prepared(key, r, build);
                if (!strip || GEOSPreparedIntersects_r(h, strip, plot.get()) != 1)
                    continue;
                // A plot the strip contains has interior in the strip's: it cannot only touch
                // (asked first, as the prepared test is far cheaper than touches' relate).
                const bool within = GEOSPreparedContains_r(h, strip, plot.get()) == 1;
                if (!within && !vertexInInterior(worker.geos, strip, parcels->store(), i) &&
                    GEOSPreparedTouches_r(h, strip, plot.get()) == 1)
                    continue;
                GeosGeomPtr piece = within ? worker.geos.own(GEOSGeom_clone_r(h, plot.get()))
                                        : worker.geos.own(GEOSIntersection_r(
                                              h, plot.get(), worker.cached(key, r, build)));
                if (!piece) {
                    overlayProblem(*parcels, i, worker.geos.takeLastError());
                    continue;
                }
                pieces.push_back(std::move(piece));
                addUnique(
                    names,
                    roads->text(r, nameField).value_or("fid " + std::to_string(roads->fid(r))));
                addUnique(widths, fixed(halfWidth[r] * 2 * unitM, 0));
            }
            if (pieces.empty())
                return;
            GeosGeomPtr inside = worker.unionOf(pieces);
            const double m2 = worker.areaM2(inside.get());
            if (m2 <= s.sliverM2)
                return;
            Finding f = finding(ComplianceRule::RoadRedLine, *parcels, i);
            f.areaMu = muFromM2(m2);
            f.geometryWkb = worker.wkb(inside.get());
            f.reasonZh = parcels->describe(i) + " 有 " + fixed(f.areaMu) + " 亩（" + fixed(m2) +
                         " m²）位于道路红线内：" + joined(names, "、") + "（红线宽 " +
                         joined(widths, "/") + " m）";
            f.reasonEn = parcels->describeEn(i) + ": " + fixed(f.areaMu) + " mu (" + fixed(m2) +
                         " m²) lie inside the red line of " + joined(names, ", ") + " (" +
                         joined(widths, "/") + " m wide)";
            f.clause = "道路红线（控规）；城市道路红线内不得建设";
            f.evidence = {ev("roads", std::optional<std::string>(joined(names, ", "))),
                          ev("width_m", std::optional<std::string>(joined(widths, ", "))),
                          ev("inside_m2", std::optional<double>(m2))};
            worker.findings.push_back(std::move(f));
        });
    }
};

const SettingKey<ComplianceSettings::RoadRedLine> kSettingKeys[] = {
    {"enabled", &ComplianceSettings::RoadRedLine::enabled},
    {"sliver_m2", &ComplianceSettings::RoadRedLine::sliverM2},
    {"road_stages", &ComplianceSettings::RoadRedLine::roadStages},
    {"buffer_quadrant_segments", &ComplianceSettings::RoadRedLine::quadrantSegments},
};

} // namespace

extern const ComplianceRuleDefinition kRoadRedLineRule = {
    ComplianceRule::RoadRedLine,
    "road_red_line",
    [](const ComplianceSettings& settings) { return settings.roadRedLine.enabled; },
    [](ComplianceSettings& settings, RuleReader& reader) {
        reader.read(settings.roadRedLine, kSettingKeys);
    },
    nullptr,
    [](const ComplianceSettings&, std::set<Role>& roles) {
        roles.insert({Role::Parcels, Role::Roads});
    },
    nullptr,
    [](Engine& engine) { RoadRedLineCheck(engine).checkRoadRedLine(); },
    nullptr,
    nullptr,
};

} // namespace parkatlas::geo
