// approved_not_supplied (批而未供): an approved acquisition batch (征地批次 at an approved stage,
// not yet 已供地) whose land is not covered by supplied parcels when the period after its
// approval (appr_date) is over.

#include "geo/rules/audit_rule.h"
#include "geo/rules/rule_message.h"

#include "geo/issue.h"
#include "geo/measure/area.h"
#include "geo/model/envelope_index.h"
#include "geo/model/geos_context.h"

namespace parkatlas::geo {

using namespace audit;

namespace {

const char* const kClauseApprovedNotSupplied =
    "《自然资源部关于健全建设用地“增存挂钩”机制的通知》（自然资规〔2018〕1号）：批而未供土地"
    "应予处置，新增建设用地计划与存量土地处置挂钩；批准后多久未供即列为批而未供，按项目文件所设期限"
    "（默认两年）";

std::string joinTexts(const std::vector<std::string>& parts, const char* separator)
{
    std::string out;
    for (const std::string& part : parts)
        out += (out.empty() ? "" : separator) + part;
    return out;
}

} // namespace

void auditApprovedNotSupplied(const Park& park, const AuditOptions& options, AuditResult& result,
                              std::vector<Finding>& findings, std::vector<Finding>& undecided,
                              IssueSink& issues)
{
    const AuditRules& rules = options.rules;
    const ParkLayer* acquisition = park.layer(Role::Acquisition);
    if (!rules.approvedNotSuppliedEnabled || !acquisition)
        return;
    const Layer& batches = *acquisition->layer;
    if (batches.geometry.kind() != GeometryKind::Polygon) {
        result.notRun.push_back(ruleMessage(
            "approved_not_supplied",
            message("acquisition_not_polygons", "the acquisition layer does not hold polygons")));
        return;
    }
    for (const auto& [field, zh] : {std::pair<const char*, const char*>{"stage", "阶段"},
                                    {"appr_date", "批准日期"}}) {
        if (acquisition->field(field) < 0) {
            result.notRun.push_back(ruleMessage(
                "approved_not_supplied",
                message("acquisition_lacks_field",
                        "the acquisition layer has no field {field} ({field_zh})",
                        {{"field", field}, {"field_zh", zh}})));
            return;
        }
    }
    const AttributeTable& batchTable = batches.attributes;
    const int stageField = acquisition->field("stage");
    const int dateField = acquisition->field("appr_date");
    const int batchIdField = acquisition->field("batch_id");

    // The parcels: supplied (a supply date on or before the audit date), unknown (no readable
    // supply date), or not yet supplied.
    const ParkLayer* parcels = park.layer(Role::Parcels);
    enum : char { kNotSupplied = 0, kSupplied = 1, kSupplyUnknown = 2 };
    std::vector<char> supply;
    if (parcels) {
        supply.assign(parcels->layer->featureCount(), kNotSupplied);
        const int supplyField = parcels->field("supply_dt");
        for (std::size_t i = 0; i < supply.size(); ++i) {
            const auto date = supplyField >= 0 ? parcels->layer->attributes.date(i, supplyField)
                                               : std::optional<Date>();
            supply[i] = date ? (*date <= options.asOf ? kSupplied : kNotSupplied) : kSupplyUnknown;
        }
    }
    const EnvelopeIndex index =
        parcels ? EnvelopeIndex(parcels->layer->geometry,
                                [&](std::size_t i) { return supply[i] != kNotSupplied; })
                : EnvelopeIndex();

    GeosContext geos;
    GEOSContextHandle_t h = geos.handle();
    AreaCalculator area(park.crs, options.areaMethod);
    auto areaOf = [&](const GEOSGeometry* g) {
        GeosGeomPtr polygons = geos.componentsOfDimension(g, 2);
        if (!polygons)
            return std::numeric_limits<double>::quiet_NaN();
        const std::vector<unsigned char> wkb = geos.toWkb(polygons.get());
        GeometryStore store(GeometryKind::Polygon);
        if (wkb.empty() || !store.appendWkb(wkb.data(), wkb.size()))
            return 0.0;
        return area.areaM2(store, 0);
    };
    auto unionOf = [&](std::vector<GeosGeomPtr>& parts) -> GeosGeomPtr {
        if (parts.empty())
            return {};
        std::vector<GEOSGeometry*> raw;
        for (GeosGeomPtr& part : parts)
            raw.push_back(part.release());
        GeosGeomPtr collection = geos.own(GEOSGeom_createCollection_r(
            h, GEOS_GEOMETRYCOLLECTION, raw.data(), static_cast<unsigned>(raw.size())));
        return collection ? geos.own(GEOSUnaryUnion_r(h, collection.get())) : GeosGeomPtr();
    };
    auto problem = [&](std::size_t a, const std::string& why) {
        issues.report(withMessage(
            {Issue::Severity::Warning, batches.sourcePath, batches.name, batches.fids[a]},
            message("approved_not_supplied_geometry",
                    "approved_not_supplied: the batch cannot be overlaid with the parcels "
                    "({reason}); left out",
                    {{"reason", why}})));
    };

    std::vector<std::uint32_t> candidates;
    for (std::size_t a = 0; a < batches.featureCount(); ++a) {
        const std::string stage(trimmed(batchTable.textView(a, stageField)));
        if (batchTable.isUnknown(a, stageField) || !contains(rules.approvedStages, stage))
            continue;
        Finding base;
        base.layer = "acquisition";
        base.fids = {batches.fids[a]};
        if (batchIdField >= 0 && !batchTable.isUnknown(a, batchIdField))
            base.featureId = std::string(trimmed(batchTable.text(a, batchIdField)));
        const std::string label =
            base.featureId.empty() ? "fid " + std::to_string(base.fids.front()) : base.featureId;
        base.geometryWkb = featureWkb(batches.geometry, a);
        const auto approvedOn = batchTable.date(a, dateField);
        if (!approvedOn) {
            Finding f = base;
            f.rule = kCannotDecide;
            f.clause = kClauseApprovedNotSupplied;
            const std::string written(trimmed(batchTable.textView(a, dateField)));
            f.evidence = {{"needs", std::string("approved_not_supplied needs appr_date")},
                          {"appr_date", written.empty() ? EvidenceValue(std::monostate{})
                                                        : EvidenceValue(written)},
                          {"stage", stage}};
            f.reasonZh = label + "（" + stage + "）：无法判定（批而未供需批准日期）：批准日期为 " +
                         (written.empty() ? std::string("空") : "'" + written + "'") +
                         "，该值未知，不作推测";
            f.reasonEn = label + " (" + stage +
                         "): cannot decide (approved_not_supplied needs appr_date): appr_date is " +
                         (written.empty() ? std::string("empty") : "'" + written + "'") +
                         ", an unknown value, never guessed";
            undecided.push_back(std::move(f));
            continue;
        }
        const Date periodEnd = anniversary(*approvedOn, rules.approvedNotSuppliedYears);
        if (options.asOf < periodEnd)
            continue;
        std::string why;
        GeosGeomPtr batch = geos.fromStore(batches.geometry, a, &why);
        if (!batch) {
            if (!batches.geometry.isEmpty(a))
                problem(a, why);
            continue;
        }
        std::vector<GeosGeomPtr> supplied, unknown;
        std::vector<std::string> unknownIds;
        if (parcels) {
            index.query(batches.geometry.envelope(a), candidates);
            std::sort(candidates.begin(), candidates.end());
            for (std::uint32_t p : candidates) {
                GeosGeomPtr plot = geos.fromStore(parcels->layer->geometry, p);
                if (!plot || GEOSIntersects_r(h, plot.get(), batch.get()) != 1)
                    continue;
                if (supply[p] == kSupplied) {
                    supplied.push_back(std::move(plot));
                } else {
                    const int idField = parcels->field("parcel_id");
                    unknownIds.push_back(idField >= 0 &&
                                                 !parcels->layer->attributes.isUnknown(p, idField)
                                             ? parcels->layer->attributes.text(p, idField)
                                             : "fid " + std::to_string(parcels->layer->fids[p]));
                    unknown.push_back(std::move(plot));
                }
            }
        }
        const double batchM2 = areaOf(batch.get());
        GeosGeomPtr suppliedUnion = unionOf(supplied);
        GeosGeomPtr rest = suppliedUnion
                               ? geos.own(GEOSDifference_r(h, batch.get(), suppliedUnion.get()))
                               : geos.own(GEOSGeom_clone_r(h, batch.get()));
        if (!rest) {
            problem(a, geos.takeLastError());
            continue;
        }
        const double restM2 = areaOf(rest.get());
        if (std::isnan(restM2) || restM2 <= rules.approvedNotSuppliedSliverM2)
            continue;
        // Parcels with no readable supply date: the land they cover is neither supplied nor
        // unsupplied. What is left without them is unsupplied for certain.
        GeosGeomPtr certain;
        double certainM2 = restM2;
        if (!unknown.empty()) {
            GeosGeomPtr unknownUnion = unionOf(unknown);
            certain = unknownUnion ? geos.own(GEOSDifference_r(h, rest.get(), unknownUnion.get()))
                                   : GeosGeomPtr();
            if (!certain) {
                problem(a, geos.takeLastError());
                continue;
            }
            certainM2 = areaOf(certain.get());
            if (certainM2 <= rules.approvedNotSuppliedSliverM2) {
                Finding f = base;
                f.rule = kCannotDecide;
                f.clause = kClauseApprovedNotSupplied;
                f.areaMu = muFromM2(restM2);
                f.evidence = {{"needs", std::string("approved_not_supplied needs supply_dt")},
                              {"parcels", joinTexts(unknownIds, ", ")}};
                f.reasonZh = label + "：无法判定（批而未供需供地日期）：批次内 " +
                             shown(muFromM2(restM2)) + " 亩 由供地日期不详的宗地 " +
                             joinTexts(unknownIds, "、") + " 覆盖，该值未知，不作推测";
                f.reasonEn = label + ": cannot decide (approved_not_supplied needs supply_dt): " +
                             shown(muFromM2(restM2)) + " mu lie under parcels with no supply date (" +
                             joinTexts(unknownIds, ", ") + "), never guessed";
                undecided.push_back(std::move(f));
                continue;
            }
        }
        const GEOSGeometry* shownPart = certain ? certain.get() : rest.get();
        Finding f = base;
        f.rule = "approved_not_supplied";
        f.clause = kClauseApprovedNotSupplied;
        f.areaMu = muFromM2(certainM2);
        if (GeosGeomPtr polygons = geos.componentsOfDimension(shownPart, 2))
            f.geometryWkb = geos.toWkb(polygons.get());
        const double suppliedM2 = std::max(0.0, batchM2 - restM2);
        const std::string years = std::to_string(rules.approvedNotSuppliedYears);
        f.evidence = {{"stage", stage},
                      {"appr_date", approvedOn->toIso()},
                      {"period_years", static_cast<double>(rules.approvedNotSuppliedYears)},
                      {"period_end", periodEnd.toIso()},
                      {"batch_area_mu", numberEvidence(muFromM2(batchM2))},
                      {"supplied_mu", numberEvidence(muFromM2(suppliedM2))},
                      {"unsupplied_mu", numberEvidence(muFromM2(certainM2))},
                      {"supply_unknown_mu", numberEvidence(muFromM2(restM2 - certainM2))}};
        const std::string unknownZh =
            unknownIds.empty() ? std::string()
                               : "；另有 " + shown(muFromM2(restM2 - certainM2)) +
                                     " 亩 由供地日期不详的宗地 " + joinTexts(unknownIds, "、") +
                                     " 覆盖，未计入";
        const std::string unknownEn =
            unknownIds.empty() ? std::string()
                               : "; " + shown(muFromM2(restM2 - certainM2)) +
                                     " mu more lie under parcels with no supply date (" +
                                     joinTexts(unknownIds, ", ") + "), not counted";
        f.reasonZh = label + "（" + stage + "，" + approvedOn->toIso() + " 批准）：批准满 " + years +
                     " 年（" + periodEnd.toIso() + " 届满），截至 " + options.asOf.toIso() +
                     " 仍有 " + shown(f.areaMu) + " 亩 未供应（批次 " +
                     shown(muFromM2(batchM2)) + " 亩，已供 " + shown(muFromM2(suppliedM2)) +
                     " 亩）：批而未供" + unknownZh;
        f.reasonEn = label + " (" + stage + ", approved " + approvedOn->toIso() + "): " + years +
                     " years after approval (ended " + periodEnd.toIso() + "), as of " +
                     options.asOf.toIso() + " " + shown(f.areaMu) + " mu are not supplied (batch " +
                     shown(muFromM2(batchM2)) + " mu, supplied " + shown(muFromM2(suppliedM2)) +
                     " mu): approved but not supplied" + unknownEn;
        findings.push_back(std::move(f));
    }
}

} // namespace parkatlas::geo
