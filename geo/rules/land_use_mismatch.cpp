// land_use_mismatch (and land_use_too_coarse): a plot's land use against the plan zones it
// overlaps; the overlay also gives each plot its dominant zone, for intensity_below_standard.

#include "geo/rules/compliance_engine.h"

#include "geo/io/park_source.h"
#include "geo/io/pg_connection.h"
#include "geo/rules/compliance_rule.h"
#include "geo/rules/interior_disjoint.h"
#include "geo/rules/server_park.h"

namespace parkatlas::geo {

using namespace compliance;

namespace {

class LandUseMismatchCheck : public RuleStep {
public:
    using RuleStep::RuleStep;

    void overlayZones()
    {
        const LayerView* parcels = view(Role::Parcels);
        const LayerView* zones = view(Role::PlanZones);
        const bool judge = runs(ComplianceRule::LandUseMismatch);
        m_dominantZone.clear();
        if (parcels)
            m_dominantZone.assign(parcels->count(), -1);
        // The layers whose land use is judged (parcels, expansion zones …).
        std::vector<const LayerView*> judged;
        if (judge)
            for (const std::string& name : m_settings.landUseMismatch.layers) {
                const auto role = roleFromLayerName(name);
                if (!role) {
                    warn(ComplianceRule::LandUseMismatch,
                         message("unknown_layer_ignored", "unknown layer \"{layer}\" (ignored)", {{"layer", name}}));
                    continue;
                }
                const LayerView* layer = view(*role);
                if (layer && layer->kind() == GeometryKind::Polygon && *role != Role::PlanZones &&
                    std::find(judged.begin(), judged.end(), layer) == judged.end())
                    judged.push_back(layer);
            }
        if (judge) {
            m_systems.clear();
            std::vector<const LayerView*> read = judged;
            if (zones)
                read.push_back(zones);
            for (const LayerView* layer : read) {
                const auto given = m_options.landUseSystems.find(layer->role);
                LandUseDetection detection = given != m_options.landUseSystems.end()
                                                 ? given->second
                                                 : landUseSystemsOf(*layer->layer, *m_landUse);
                if (!detection.warning.empty())
                    m_issues.report(withMessage({Issue::Severity::Warning,
                                                 layer->layer->layer->sourcePath,
                                                 layer->layer->layer->name, -1},
                                                ruleMessage("land_use_mismatch",
                                                            detection.warningMessage)));
                m_systems[layer->role] = std::move(detection);
            }
        }
        if (!zones || (judge && judged.empty() && !parcels)) {
            const std::string missing = !zones ? "plan_zones" : "parcels";
            if (judge)
                warn(ComplianceRule::LandUseMismatch,
                     message("rule_no_layer", "the park has no {role} layer; not checked", {{"role", missing}}));
            if (runs(ComplianceRule::IntensityBelowStandard) && parcels)
                warn(ComplianceRule::IntensityBelowStandard,
                     message("no_zones_thresholds", "the park has no {role} layer: the zones' far_min and cover_min are not used", {{"role", "plan_zones"}}));
            return;
        }
        // Parcels first (their dominant zone serves intensity, judged or not), then the others.
        std::vector<const LayerView*> targets;
        if (parcels && (runs(ComplianceRule::IntensityBelowStandard) ||
                        std::find(judged.begin(), judged.end(), parcels) != judged.end()))
            targets.push_back(parcels);
        for (const LayerView* layer : judged)
            if (layer != parcels)
                targets.push_back(layer);
        const EnvelopeIndex index(zones->store(),
                                  [&](std::size_t z) { return zones->usable[z] != 0; });
        const int zoneUse = zones->fieldIndex("land_use");
        const int zoneId = zones->idField;
        const double sliverM2 = m_settings.landUseMismatch.sliverM2;
        const auto build = fromLayer(*zones);
        // Each zone's outline, for the proofs that a plot lies inside a zone or apart from it
        // without GEOS (most plots lie wholly in one zone).
        std::vector<PolygonOutline> outlines(zones->count());
        for (std::size_t z = 0; z < zones->count(); ++z)
            if (zones->usable[z])
                outlines[z].assign(zones->store(), z);
        const double base = m_progressBase, span = m_progressSpan;
        for (std::size_t t = 0; t < targets.size(); ++t) {
            const LayerView& layer = *targets[t];
            const bool isParcels = &layer == parcels;
            const bool judgeThis = std::find(judged.begin(), judged.end(), &layer) != judged.end();
            const int landUse = layer.fieldIndex("land_use");
            m_progressBase = base + span * static_cast<double>(t) / targets.size();
            m_progressSpan = span / targets.size();
            parallel(layer.count(), [&](Worker& worker, std::size_t i) {
                overlayOne(worker, layer, i, isParcels, judgeThis, landUse, *zones, zoneUse, zoneId,
                           index, outlines, build, sliverM2);
            });
        }
        m_progressBase = base;
        m_progressSpan = span;
    }

    /// The zones feature `i` of `layer` overlaps: the largest (parcels, for intensity) and,
    /// when judged, the land_use_mismatch or cannot_decide finding.
    void overlayOne(Worker& worker, const LayerView& layer, std::size_t i, bool isParcels,
                    bool judgeThis, int landUse, const LayerView& zonesView, int zoneUse,
                    int zoneId, const EnvelopeIndex& index,
                    const std::vector<PolygonOutline>& outlines, const Worker::Builder& build,
                    double sliverM2)
    {
        const LayerView* zones = &zonesView;
        if (!layer.usable[i])
            return;
        const auto code = judgeThis ? layer.text(i, landUse) : std::nullopt;
        // An expansion zone with no land use yet is not judged (a parcel's is unknown).
        if (!isParcels && !code)
            return;
        index.query(layer.store().envelope(i), worker.candidates);
        if (worker.candidates.empty())
            return;
        std::sort(worker.candidates.begin(), worker.candidates.end());
        GEOSContextHandle_t h = worker.geos.handle();
        // The plot in GEOS only when a zone needs it (a plot proven inside one zone and apart
        // from the others needs none).
        GeosGeomPtr plot = worker.geos.own(nullptr);
        auto geosPlot = [&] {
            if (!plot)
                plot = worker.geos.fromStore(layer.store(), i);
            return plot.get();
        };
        thread_local PolygonOutline outline;
        const bool outlined = outline.assign(layer.store(), i);
        double plotM2 = kNaN;
        struct Overlap {
            std::uint32_t zone;
            double m2;         // NaN: the whole plot's, measured when needed
            GeosGeomPtr piece; // null: the whole plot
        };
        std::vector<Overlap> overlaps;
        for (std::uint32_t z : worker.candidates) {
            // Proven inside or apart: what GEOS's prepared intersects and contains would say.
            const Placement placement =
                outlined ? provesPlacement(outline, outlines[z]) : Placement::Unsure;
            if (placement == Placement::Apart)
                continue;
            if (placement == Placement::Inside) {
                overlaps.push_back({z, kNaN, worker.geos.own(nullptr)});
                continue;
            }
            const GEOSPreparedGeometry* zone = worker.prepared(zones, z, build);
            if (!zone || !GEOSPreparedIntersects_r(h, zone, geosPlot()))
                continue;
            if (GEOSPreparedContains_r(h, zone, plot.get()) == 1) {
                overlaps.push_back({z, kNaN, worker.geos.own(nullptr)});
                continue;
            }
            GeosGeomPtr piece =
                worker.geos.own(GEOSIntersection_r(h, plot.get(), worker.cached(zones, z, build)));
            if (!piece) {
                overlayProblem(layer, i, worker.geos.takeLastError());
                continue;
            }
            const double m2 = worker.areaM2(piece.get());
            if (m2 > sliverM2)
                overlaps.push_back({z, m2, std::move(piece)});
        }
        if (overlaps.empty())
            return;
        // The whole plot's area, where a comparison needs it (the same figure for every zone
        // that holds the plot).
        if (overlaps.size() > 1)
            for (Overlap& overlap : overlaps)
                if (std::isnan(overlap.m2)) {
                    if (std::isnan(plotM2))
                        plotM2 = worker.area.areaM2(layer.store(), i, layer.fid(i));
                    overlap.m2 = plotM2;
                }
        if (isParcels) {
            const auto largest =
                std::max_element(overlaps.begin(), overlaps.end(),
                                 [](const Overlap& a, const Overlap& b) { return a.m2 < b.m2; });
            m_dominantZone[i] = static_cast<std::int32_t>(largest->zone);
        }
        if (!judgeThis)
            return;
        if (!code) {
            cannotDecide(worker, ComplianceRule::LandUseMismatch, layer, i, {"land_use"});
            return;
        }
        const LandUseSystems& parcelSystems = systemsOf(layer.role).systems;
        const LandUseSystems& zoneSystems = systemsOf(Role::PlanZones).systems;
        // Per verdict: the overlapped pieces, the zones' ids and codes.
        struct Outcome {
            std::vector<GeosGeomPtr> pieces;
            std::vector<std::string> zoneIds, zoneCodes, required;
        };
        Outcome misfit, coarse;
        std::vector<std::string> unknownZones, undecided, undecidedZh;
        for (Overlap& overlap : overlaps) {
            const auto zoneCode = zones->text(overlap.zone, zoneUse);
            // The zone's id only where it is written (most plots fit their zone).
            auto zoneIdOf = [&] {
                return zones->text(overlap.zone, zoneId)
                    .value_or("fid " + std::to_string(zones->fid(overlap.zone)));
            };
            if (!zoneCode) {
                unknownZones.push_back(zoneIdOf());
                continue;
            }
            const LandUseJudgement& j =
                worker.judge(*m_landUse, *code, parcelSystems, *zoneCode, zoneSystems);
            if (j.verdict == LandUseVerdict::Fits)
                continue;
            const std::string id = zoneIdOf();
            if (j.verdict == LandUseVerdict::CannotDecide) {
                addUnique(undecided, j.reasonEn + " (zone " + id + ")");
                addUnique(undecidedZh, j.reasonZh + "（控规地块 " + id + "）");
                continue;
            }
            Outcome& o = j.verdict == LandUseVerdict::TooCoarse ? coarse : misfit;
            addUnique(o.zoneIds, id);
            addUnique(o.zoneCodes, *zoneCode);
            if (!j.required.empty())
                addUnique(o.required, j.required);
            o.pieces.push_back(overlap.piece ? std::move(overlap.piece)
                                             : worker.geos.own(GEOSGeom_clone_r(h, geosPlot())));
        }
        if (!unknownZones.empty())
            cannotDecide(worker, ComplianceRule::LandUseMismatch, layer, i,
                         {"plan_zones.land_use (" + joined(unknownZones, ", ") + ")"},
                         {displayName(NameGroup::Field, "land_use", Language::Chinese, "plan_zones") +
                          "（控规地块 " + joined(unknownZones, "、") + "）"});
        if (!undecided.empty())
            cannotDecide(worker, ComplianceRule::LandUseMismatch, layer, i,
                         {"land_use " + *code + ": " + joined(undecided, "; ")},
                         {"用地性质 " + *code + "：" + joined(undecidedZh, "；")});
        if (std::isnan(plotM2) && (!misfit.pieces.empty() || !coarse.pieces.empty()))
            plotM2 = worker.area.areaM2(layer.store(), i, layer.fid(i));
        if (!misfit.pieces.empty())
            landUseFinding(worker, layer, i, isParcels, *code, misfit, plotM2, false);
        if (!coarse.pieces.empty())
            landUseFinding(worker, layer, i, isParcels, *code, coarse, plotM2, true);
    }

    /// The land_use_mismatch (or, coarse, land_use_too_coarse) finding of feature `i`.
    template <class Outcome>
    void landUseFinding(Worker& worker, const LayerView& layer, std::size_t i, bool isParcels,
                        const std::string& code, Outcome& outcome, double plotM2, bool coarse)
    {
        GeosGeomPtr misfit = worker.unionOf(outcome.pieces);
        const double misfitM2 = worker.areaM2(misfit.get());
        const double share = misfitM2 / plotM2;
        Finding f = finding(ComplianceRule::LandUseMismatch, layer, i);
        if (coarse)
            f.rule = kLandUseTooCoarse;
        f.areaMu = muFromM2(misfitM2);
        f.geometryWkb = worker.wkb(misfit.get());
        const LandUseSystems& parcelSystems = systemsOf(layer.role).systems;
        const LandUseSystems& zoneSystems = systemsOf(Role::PlanZones).systems;
        auto named = [&](const std::string& c, const LandUseSystems& systems) {
            const std::string name = m_landUse->nameOf(c, systems);
            return name.empty() ? c : c + "（" + name + "）";
        };
        std::vector<std::string> zoneNames;
        for (const std::string& c : outcome.zoneCodes)
            zoneNames.push_back(named(c, zoneSystems));
        const std::string whole = isParcels                       ? "plot"
                                  : layer.role == Role::Expansion ? "expansion zone"
                                                                  : "feature";
        const std::string parcelLabel = systemsOf(layer.role).label();
        const std::string zoneLabel = systemsOf(Role::PlanZones).label();
        if (coarse) {
            f.reasonZh = layer.describe(i) + " 用途 " + named(code, parcelSystems) + "比控规地块 " +
                         joined(outcome.zoneIds, "、") + " 的用地性质 " + joined(zoneNames, "、") +
                         "粗，无法判定是否符合（应细分为 " + joined(outcome.required, "、") +
                         "）：涉及 " + fixed(f.areaMu) + " 亩（占" + chineseName(layer.role) + " " +
                         percent(share) + "）";
            f.reasonEn = layer.describeEn(i) + ": land use " + code + " (" + parcelLabel +
                         ") is broader than plan zone " + joined(outcome.zoneIds, ", ") + " (" +
                         joined(outcome.zoneCodes, ", ") + ", " + zoneLabel +
                         "): the data cannot say whether it is " + joined(outcome.required, ", ") +
                         "; " + fixed(f.areaMu) + " mu (" + percent(share) + " of the " + whole +
                         ")";
        } else {
            f.reasonZh = layer.describe(i) + " 用途 " + named(code, parcelSystems) + "与控规地块 " +
                         joined(outcome.zoneIds, "、") + " 的用地性质 " + joined(zoneNames, "、") +
                         "不符：不符部分 " + fixed(f.areaMu) + " 亩（占" + chineseName(layer.role) +
                         " " + percent(share) + "）";
            f.reasonEn = layer.describeEn(i) + ": land use " + code + " does not fit plan zone " +
                         joined(outcome.zoneIds, ", ") + " (" + joined(outcome.zoneCodes, ", ") +
                         "); " + fixed(f.areaMu) + " mu (" + percent(share) + " of the " + whole +
                         ") lie in zones it does not fit";
        }
        f.clause = "控制性详细规划；GB 50137-2011 / 国土空间调查、规划、用途管制用地用海分类指南"
                   " / GB/T 21010-2017";
        f.evidence = {
            ev("land_use", std::optional<std::string>(code)),
            ev("land_use_classification", std::optional<std::string>(parcelLabel)),
            ev("zone_id", std::optional<std::string>(joined(outcome.zoneIds, ", "))),
            ev("zone_land_use", std::optional<std::string>(joined(outcome.zoneCodes, ", "))),
            ev("zone_classification", std::optional<std::string>(zoneLabel)),
            ev("misfit_m2", std::optional<double>(misfitM2)),
            ev(isParcels ? std::string("parcel_m2") : std::string(toString(layer.role)) + "_m2",
               std::optional<double>(plotM2)),
            ev("misfit_share", std::optional<double>(share))};
        if (coarse)
            f.evidence.insert(
                f.evidence.begin() + 5,
                ev("required", std::optional<std::string>(joined(outcome.required, ", "))));
        worker.findings.push_back(std::move(f));
    }
};

/// The local engine's reading of a text value: trimmed of spaces and tabs, nullopt when unknown.
std::optional<std::string> judgedText(const std::optional<std::string>& raw)
{
    if (!raw || isUnknownText(*raw))
        return std::nullopt;
    const auto begin = raw->find_first_not_of(" \t");
    const auto end = raw->find_last_not_of(" \t");
    return begin == std::string::npos ? std::string() : raw->substr(begin, end - begin + 1);
}

ReadPlan planLandUseMismatch(ServerPark& park, ServerPlanContext& context)
{
    const LandUseClassification& landUse = context.landUse;
    const ComplianceSettings& settings = context.settings;
    const ParkDefinition& definition = context.definition;
    std::map<Role, LandUseDetection>& systems = context.systems;
    ReadPlan plan;
    plan.filters[Role::PlanZones] = ""; // a park has a few hundred zones: read them all
    // The judged layers: parcels always (the local engine warns when they are missing), then
    // the ones the settings list (expansion zones).
    std::vector<Role> judged = {Role::Parcels};
    for (Role role : rolesNamed(settings.landUseMismatch.layers))
        if (role != Role::PlanZones && park.has(role) &&
            std::find(judged.begin(), judged.end(), role) == judged.end())
            judged.push_back(role);
    const std::string zoneCode = park.column(Role::PlanZones, "land_use");
    auto distinct = [&](Role role, const std::string& column) {
        PgResult r = park.pg().exec("SELECT DISTINCT " + column + "::text FROM " +
                                    park.table(role) + " WHERE " + column + " IS NOT NULL");
        std::vector<std::string> values;
        for (int i = 0; i < r.rows(); ++i)
            values.push_back(r.text(i, 0));
        return values;
    };
    // The systems of each layer's codes: declared, else detected over the whole table (the
    // local engine sees only the suspect rows, so it is told).
    auto systemsOf = [&](Role role, const std::string& column) {
        if (const auto it = systems.find(role); it != systems.end())
            return it->second.systems;
        LandUseDetection detection;
        const ParkLayerSource* source = definition.find(role);
        if (source && !source->classification.empty()) {
            detection.setDeclared(source->classification, source->classificationOrigin);
        } else {
            detection = landUse.detect(distinct(role, column), column, role);
            detection.markDetected();
        }
        systems[role] = detection;
        return detection.systems;
    };
    for (Role role : judged) {
        const std::string code = park.column(role, "land_use");
        if (code.empty() || zoneCode.empty() || !park.has(Role::PlanZones) || !park.has(role)) {
            plan.filters[role] = ""; // the local engine says what is missing
            continue;
        }
        const LandUseSystems parcelSystems = systemsOf(role, code);
        const LandUseSystems zoneSystems = systemsOf(Role::PlanZones, zoneCode);
        // Every pair of stored codes the local engine would not call a fit (or cannot judge).
        std::string pairs;
        for (const std::string& p : distinct(role, code))
            for (const std::string& z : distinct(Role::PlanZones, zoneCode)) {
                const auto pc = judgedText(p), zc = judgedText(z);
                if (pc && zc && landUse.fits(*pc, parcelSystems, *zc, zoneSystems))
                    continue;
                pairs += (pairs.empty() ? "" : ", ") + std::string("(") + park.literal(p) + ", " +
                         park.literal(z) + ")";
            }
        std::string suspect = "p." + code + " IS NULL OR z." + zoneCode + " IS NULL";
        if (!pairs.empty())
            suspect +=
                " OR (p." + code + "::text, z." + zoneCode + "::text) IN (VALUES " + pairs + ")";
        plan.filters[role] = "SELECT DISTINCT p.fid FROM " + park.table(role) + " p JOIN " +
                             park.table(Role::PlanZones) + " z ON p." + kServerGeometry + " && z." +
                             kServerGeometry + " AND ST_Intersects(p." + kServerGeometry + ", z." +
                             kServerGeometry + ") WHERE " + suspect;
    }
    return plan;
}

const SettingKey<ComplianceSettings::LandUseMismatch> kSettingKeys[] = {
    {"enabled", &ComplianceSettings::LandUseMismatch::enabled},
    {"sliver_m2", &ComplianceSettings::LandUseMismatch::sliverM2},
    {"layers", &ComplianceSettings::LandUseMismatch::layers},
};

} // namespace

extern const ComplianceRuleDefinition kLandUseMismatchRule = {
    ComplianceRule::LandUseMismatch,
    "land_use_mismatch",
    [](const ComplianceSettings& settings) { return settings.landUseMismatch.enabled; },
    [](ComplianceSettings& settings, RuleReader& reader) {
        reader.read(settings.landUseMismatch, kSettingKeys);
    },
    nullptr,
    [](const ComplianceSettings& settings, std::set<Role>& roles) {
        roles.insert({Role::Parcels, Role::PlanZones});
        for (Role role : rolesNamed(settings.landUseMismatch.layers))
            roles.insert(role);
    },
    // The zone overlay also gives intensity each plot's dominant zone.
    [](const Engine& engine) {
        return engine.runs(ComplianceRule::LandUseMismatch) ||
               engine.runs(ComplianceRule::IntensityBelowStandard);
    },
    [](Engine& engine) {
        if (!engine.m_landUse && engine.runs(ComplianceRule::LandUseMismatch))
            engine.m_landUse = &LandUseClassification::standard();
        LandUseMismatchCheck(engine).overlayZones();
    },
    planLandUseMismatch,
    [](const ComplianceSettings& settings, const ServerPark& park) {
        std::vector<Role> zoned = {Role::Parcels, Role::PlanZones};
        for (Role role : rolesNamed(settings.landUseMismatch.layers))
            if (park.has(role))
                zoned.push_back(role);
        return zoned;
    },
};

} // namespace parkatlas::geo
