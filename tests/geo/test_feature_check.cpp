// The one-feature conflict check of an edit (geo/rules/feature_check.h): on the sample park,
// checkFeature must give exactly the findings about the feature that checkCompliance gives on
// the whole park with the feature in it, for existing parcels and expansion zones, edits, new
// features, deletions and a park with no expansion layer yet.

#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/model/geos_context.h"
#include "geo/rules/compliance.h"
#include "geo/rules/feature_check.h"

#include <cpl_json.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

using namespace parkatlas::geo;

namespace {

const std::string kSample = PARKATLAS_SAMPLE_DIR;

const Park& samplePark()
{
    static const Park park = [] {
        IssueList issues;
        return loadPark(discoverPark(kSample + "/park.gpkg"), {}, issues);
    }();
    return park;
}

const ParkLayer& layerOf(const Park& park, Role role)
{
    const ParkLayer* layer = park.layer(role);
    EXPECT_NE(layer, nullptr) << toString(role);
    return *layer;
}

std::size_t rowOf(const ParkLayer& layer, std::int64_t fid)
{
    const auto& fids = layer.layer->fids;
    const auto it = std::find(fids.begin(), fids.end(), fid);
    EXPECT_NE(it, fids.end()) << layer.layer->name << " fid " << fid;
    return static_cast<std::size_t>(it - fids.begin());
}

std::vector<unsigned char> wkbOf(const ParkLayer& layer, std::size_t row)
{
    GeosContext geos;
    GeosGeomPtr g = geos.fromStore(layer.layer->geometry, row);
    return geos.toWkb(g.get());
}

/// A rectangle in the park's CRS (EPSG:4547) as ISO WKB.
std::vector<unsigned char> rectWkb(double x0, double y0, double x1, double y1)
{
    GeosContext geos;
    std::ostringstream wkt;
    wkt.precision(12);
    wkt << "POLYGON((" << x0 << " " << y0 << "," << x1 << " " << y0 << "," << x1 << " " << y1 << ","
        << x0 << " " << y1 << "," << x0 << " " << y0 << "))";
    GEOSWKTReader* reader = GEOSWKTReader_create_r(geos.handle());
    GeosGeomPtr g = geos.own(GEOSWKTReader_read_r(geos.handle(), reader, wkt.str().c_str()));
    GEOSWKTReader_destroy_r(geos.handle(), reader);
    return geos.toWkb(g.get());
}

/// `wkb` moved by (dx, dy).
std::vector<unsigned char> shifted(const std::vector<unsigned char>& wkb, double dx, double dy)
{
    GeometryStore store(GeometryKind::Polygon);
    EXPECT_TRUE(store.appendWkb(wkb.data(), wkb.size()));
    store.transformAll([&](double* xy, std::size_t n) {
        for (std::size_t k = 0; k < n; ++k) {
            xy[2 * k] += dx;
            xy[2 * k + 1] += dy;
        }
    });
    GeosContext geos;
    return geos.toWkb(geos.fromStore(store, 0).get());
}

/// The park with `feature` in its role's layer (replacing the feature of its fid, or appended)
/// and `removedFids` left out: what the editor's park looks like once saved. Built without
/// checkFeature's code: geometry through GEOS and WKB, values set by field type.
Park withFeature(const Park& park, const CheckedFeature& feature)
{
    Park out;
    out.name = park.name;
    out.crs = park.crs;
    const ParkLayer* own = park.layer(feature.role);
    for (const ParkLayer& layer : park.layers)
        if (layer.role != feature.role)
            out.layers.push_back(layer);
    ParkLayer edited;
    const auto editedLayer = std::make_shared<Layer>(); // filled here, shared by `out`
    edited.layer = editedLayer;
    if (own) {
        edited.role = own->role;
        edited.fieldIndex = own->fieldIndex;
        editedLayer->name = own->layer->name;
        editedLayer->sourcePath = own->layer->sourcePath;
        editedLayer->crs = own->layer->crs;
        editedLayer->geometry.setKind(own->layer->geometry.kind());
        editedLayer->attributes.setFields(own->layer->attributes.fields());
    } else {
        // As checkFeature makes it: the role's contract fields, as text.
        edited.role = feature.role;
        editedLayer->name = toString(feature.role);
        editedLayer->crs = park.crs;
        editedLayer->geometry.setKind(GeometryKind::Polygon);
        std::vector<FieldDef> fields;
        for (const ContractField& field : contractFields(feature.role))
            fields.push_back({field.name, FieldType::String});
        editedLayer->attributes.setFields(fields);
        edited.fieldIndex = resolveContractFields(feature.role, edited.layer->attributes);
    }
    AttributeTable& table = editedLayer->attributes;
    auto addOwn = [&](std::size_t row, const CheckedFeature* replacement) {
        if (replacement) {
            const auto& wkb = replacement->geometryWkb;
            editedLayer->geometry.appendWkb(wkb.data(), wkb.size());
        } else {
            const auto wkb = wkbOf(*own, row);
            if (wkb.empty())
                editedLayer->geometry.appendEmpty();
            else
                editedLayer->geometry.appendWkb(wkb.data(), wkb.size());
        }
        for (std::size_t f = 0; f < table.fields().size(); ++f) {
            const int field = static_cast<int>(f);
            const std::string& name = table.fields()[f].name;
            const std::optional<std::string>* given = nullptr;
            if (replacement)
                for (const auto& [key, value] : replacement->values)
                    if (key == name || edited.field(key) == field)
                        given = &value;
            if (given) {
                if (*given)
                    table.setText(field, **given);
                else
                    table.setUnknown(field);
                continue;
            }
            if (!own || row == static_cast<std::size_t>(-1) ||
                own->layer->attributes.isUnknown(row, field)) {
                table.setUnknown(field);
                continue;
            }
            const AttributeTable& from = own->layer->attributes;
            switch (table.fields()[f].type) {
            case FieldType::Integer:
                table.setInteger(field, *from.integer(row, field));
                break;
            case FieldType::Real:
                table.setReal(field, *from.number(row, field));
                break;
            case FieldType::Date:
                table.setDate(field, *from.date(row, field));
                break;
            case FieldType::String:
                table.setText(field, from.text(row, field));
                break;
            }
        }
        table.commitRow();
        editedLayer->fids.push_back(replacement ? replacement->fid : own->layer->fids[row]);
    };
    bool placed = false;
    if (own)
        for (std::size_t row = 0; row < own->layer->featureCount(); ++row) {
            const std::int64_t fid = own->layer->fids[row];
            if (fid == feature.fid) {
                addOwn(row, &feature);
                placed = true;
            } else if (std::find(feature.removedFids.begin(), feature.removedFids.end(), fid) ==
                       feature.removedFids.end()) {
                addOwn(row, nullptr);
            }
        }
    if (!placed)
        addOwn(static_cast<std::size_t>(-1), &feature);
    out.layers.push_back(std::move(edited));
    return out;
}

std::vector<Finding> about(const std::vector<Finding>& findings, Role role, std::int64_t fid)
{
    std::vector<Finding> out;
    for (const Finding& f : findings)
        if (f.layer == toString(role) &&
            std::find(f.fids.begin(), f.fids.end(), fid) != f.fids.end())
            out.push_back(f);
    return out;
}

bool closeTo(double a, double b)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}

void expectSame(const std::vector<Finding>& got, const std::vector<Finding>& want,
                const std::string& what)
{
    ASSERT_EQ(got.size(), want.size()) << what;
    for (std::size_t k = 0; k < got.size(); ++k) {
        const Finding& a = got[k];
        const Finding& b = want[k];
        const std::string where = what + ": " + b.rule + " " + b.reasonEn;
        EXPECT_EQ(a.rule, b.rule) << where;
        EXPECT_EQ(a.layer, b.layer) << where;
        EXPECT_EQ(a.fids, b.fids) << where;
        EXPECT_EQ(a.featureId, b.featureId) << where;
        EXPECT_TRUE(closeTo(a.areaMu, b.areaMu)) << where << ": " << a.areaMu << " vs " << b.areaMu;
        EXPECT_EQ(a.reasonZh, b.reasonZh) << where;
        EXPECT_EQ(a.reasonEn, b.reasonEn) << where;
        EXPECT_EQ(a.clause, b.clause) << where;
        ASSERT_EQ(a.evidence.size(), b.evidence.size()) << where;
        for (std::size_t e = 0; e < a.evidence.size(); ++e) {
            EXPECT_EQ(a.evidence[e].name, b.evidence[e].name) << where;
            const auto* x = std::get_if<double>(&a.evidence[e].value);
            const auto* y = std::get_if<double>(&b.evidence[e].value);
            if (x && y)
                EXPECT_TRUE(closeTo(*x, *y)) << where << " " << a.evidence[e].name;
            else
                EXPECT_EQ(a.evidence[e].value, b.evidence[e].value)
                    << where << " " << a.evidence[e].name;
        }
        EXPECT_EQ(a.geometryWkb.empty(), b.geometryWkb.empty()) << where;
    }
}

/// checkFeature on `park` against checkCompliance on the park with the feature in it.
/// Returns checkFeature's findings.
std::vector<Finding> expectAsWholePark(const Park& park, const CheckedFeature& feature,
                                       const std::string& what)
{
    ComplianceOptions options;
    IssueList issues;
    const ComplianceResult one = checkFeature(park, feature, options, issues);
    const Park whole = withFeature(park, feature);
    const ComplianceResult all = checkCompliance(whole, options, issues);
    EXPECT_EQ(one.rulesRun, all.rulesRun) << what;
    const auto want = about(all.findings, feature.role, feature.fid);
    expectSame(one.findings, want, what);
    return one.findings;
}

std::set<std::string> rulesOf(const std::vector<Finding>& findings)
{
    std::set<std::string> rules;
    for (const Finding& f : findings)
        rules.insert(f.rule);
    return rules;
}

CheckedFeature existing(const Park& park, Role role, std::int64_t fid)
{
    const ParkLayer& layer = layerOf(park, role);
    CheckedFeature feature;
    feature.role = role;
    feature.fid = fid;
    feature.geometryWkb = wkbOf(layer, rowOf(layer, fid));
    return feature;
}

} // namespace

TEST(FeatureCheckTest, ExistingFeaturesGetTheWholeParksFindingsAboutThem)
{
    const Park& park = samplePark();
    ComplianceOptions options;
    IssueList issues;
    const ComplianceResult all = checkCompliance(park, options, issues);
    // Every parcel with a planted compliance case, and a few clean ones.
    CPLJSONDocument document;
    ASSERT_TRUE(document.Load(kSample + "/expected_findings.json"));
    std::set<std::int64_t> parcelFids = {1, 2, 50, 200};
    const CPLJSONArray planted = document.GetRoot().GetArray("findings");
    for (int i = 0; i < planted.Size(); ++i)
        if (planted[i].GetString("layer") == "parcels" &&
            (complianceRuleFromString(planted[i].GetString("rule")) ||
             planted[i].GetString("rule") == kCannotDecide))
            parcelFids.insert(planted[i].GetLong("fid"));
    ASSERT_GE(parcelFids.size(), 15u);
    std::set<std::string> seen;
    for (std::int64_t fid : parcelFids) {
        const auto got = checkFeature(park, existing(park, Role::Parcels, fid), options, issues);
        expectSame(got.findings, about(all.findings, Role::Parcels, fid),
                   "parcel fid " + std::to_string(fid));
        for (const std::string& rule : rulesOf(got.findings))
            seen.insert(rule);
    }
    // Every rule about parcels was exercised, the pairs (overlap, duplicate) included.
    for (const char* rule : {"land_use_mismatch", "outside_boundary", "road_red_line",
                             "protected_overlap", "intensity_below_standard", "invalid_geometry",
                             "overlapping_parcels", "duplicate_id", "cannot_decide"})
        EXPECT_TRUE(seen.count(rule)) << rule;
    for (std::int64_t fid : {1, 2, 3}) {
        const auto got = checkFeature(park, existing(park, Role::Expansion, fid), options, issues);
        const auto want = about(all.findings, Role::Expansion, fid);
        EXPECT_FALSE(want.empty()) << "every sample expansion zone lies outside 核准范围";
        expectSame(got.findings, want, "expansion fid " + std::to_string(fid));
    }
}

TEST(FeatureCheckTest, AnEditedShapeAndFormAreCheckedAsIfSaved)
{
    const Park& park = samplePark();
    // 东扩片区 moved 500 m west, half into the park, re-zoned commercial.
    CheckedFeature zone = existing(park, Role::Expansion, 1);
    zone.geometryWkb = shifted(zone.geometryWkb, -500, 0);
    zone.values = {{"land_use", "0901"}};
    const auto zoneFindings = expectAsWholePark(park, zone, "东扩片区 moved west");
    EXPECT_TRUE(rulesOf(zoneFindings).count("outside_boundary")) << "still partly outside";

    // The reused parcel_id: moved 30 m east into its neighbour; then with the other plot of
    // its id deleted in the editor.
    CheckedFeature plot = existing(park, Role::Parcels, 6);
    plot.geometryWkb = shifted(plot.geometryWkb, 30, 0);
    const auto moved = expectAsWholePark(park, plot, "parcel 6 moved");
    EXPECT_TRUE(rulesOf(moved).count("overlapping_parcels"));
    EXPECT_TRUE(rulesOf(moved).count("duplicate_id"));
    plot.removedFids = {397};
    EXPECT_FALSE(
        rulesOf(expectAsWholePark(park, plot, "parcel 6, 397 deleted")).count("duplicate_id"));

    // A parcel's land use cleared in the form: cannot decide instead of a finding.
    CheckedFeature cleared = existing(park, Role::Parcels, 50);
    cleared.values = {{"land_use", std::nullopt}};
    EXPECT_TRUE(rulesOf(expectAsWholePark(park, cleared, "parcel 50, land_use cleared"))
                    .count(kCannotDecide));
}

TEST(FeatureCheckTest, ANewZoneAcrossTheBoundaryFarmlandAndUnacquiredLand)
{
    const Park& park = samplePark();
    // North edge of 二期: reaches from 金湖村 batches (签约, 报征: not acquired) past the
    // 核准范围 into the 北侧基本农田保护片.
    CheckedFeature zone;
    zone.role = Role::Expansion;
    zone.fid = -1;
    zone.geometryWkb = rectWkb(501500, 3376500, 502600, 3377500);
    zone.values = {{"name", "金湖北片"}, {"land_use", "0901"}};
    const auto findings = expectAsWholePark(park, zone, "new zone");
    const auto rules = rulesOf(findings);
    EXPECT_TRUE(rules.count("outside_boundary"));
    EXPECT_TRUE(rules.count("protected_overlap"));
    EXPECT_TRUE(rules.count("land_use_mismatch")) << "commercial over industrial zones";
    EXPECT_TRUE(rules.count("unacquired_land"));
    for (const Finding& f : findings)
        EXPECT_EQ(f.featureId, "金湖北片");

    // A new parcel reusing a parcel_id, over existing plots.
    CheckedFeature plot;
    plot.role = Role::Parcels;
    plot.fid = -7;
    plot.geometryWkb = rectWkb(499000, 3374000, 499300, 3374300);
    plot.values = {{"parcel_id", "QL2016-001"}, {"land_use", "M1"}};
    const auto plotRules = rulesOf(expectAsWholePark(park, plot, "new parcel"));
    EXPECT_TRUE(plotRules.count("duplicate_id"));
    EXPECT_TRUE(plotRules.count("overlapping_parcels"));
}

TEST(FeatureCheckTest, TheFirstZoneOfAParkWithNoExpansionLayer)
{
    IssueList issues;
    std::vector<Role> roles;
    for (Role role : allRoles())
        if (role != Role::Expansion)
            roles.push_back(role);
    const Park park = loadPark(discoverPark(kSample + "/park.gpkg"), {roles, {}}, issues);
    ASSERT_EQ(park.layer(Role::Expansion), nullptr);
    CheckedFeature zone;
    zone.role = Role::Expansion;
    zone.fid = 1;
    zone.geometryWkb = rectWkb(501500, 3376500, 502600, 3377500);
    zone.values = {{"name", "金湖北片"}, {"land_use", "0901"}};
    const auto findings = expectAsWholePark(park, zone, "first zone");
    EXPECT_TRUE(rulesOf(findings).count("outside_boundary"));
    EXPECT_TRUE(rulesOf(findings).count("protected_overlap"));
    EXPECT_TRUE(rulesOf(findings).count("land_use_mismatch"));
    EXPECT_TRUE(rulesOf(findings).count("unacquired_land"));
}

TEST(FeatureCheckTest, AnUnreadableShapeOrValueIsReportedNotGuessed)
{
    const Park& park = samplePark();
    CheckedFeature zone;
    zone.role = Role::Expansion;
    zone.fid = -1;
    zone.geometryWkb = {1, 2, 3};
    IssueList issues;
    EXPECT_TRUE(checkFeature(park, zone, {}, issues).findings.empty());
    EXPECT_EQ(issues.count(Issue::Severity::Warning), 1u);

    CheckedFeature plot = existing(park, Role::Parcels, 50);
    plot.values = {{"floor_area", "lots"}};
    IssueList valueIssues;
    checkFeature(park, plot, {}, valueIssues);
    bool named = false;
    for (const Issue& issue : valueIssues.issues())
        named = named || issue.message.find("floor_area") != std::string::npos;
    EXPECT_TRUE(named) << "the field whose text is not a number is named";
}
