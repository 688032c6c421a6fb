// Plan-compliance rules (geo/rules/compliance.h): hand-made parks for every rule, the land-use
// classification, settings from a project file, and the sample park against its planted cases.

#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/model/land_use_classification.h"
#include "geo/progress.h"
#include "geo/rules/compliance.h"
#include "geo/rules/compliance_rule.h"
#include "geo/rules/shared_unions.h"
#include "geo/units.h"
#include "tests/support/scratch_dir.h"

#include <cpl_json.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <variant>

using namespace parkatlas::geo;
namespace fs = std::filesystem;

namespace {

const std::string kSample = PARKATLAS_SAMPLE_DIR;

using Ring = std::vector<std::pair<double, double>>;
using Value = std::variant<std::monostate, double, std::string>;

// Coordinates in EPSG:4547 near the sample park; a square of 100 m is 15 mu.
constexpr double kX = 500000, kY = 3375000;

Ring rect(double x0, double y0, double x1, double y1)
{
    return {{kX + x0, kY + y0},
            {kX + x1, kY + y0},
            {kX + x1, kY + y1},
            {kX + x0, kY + y1},
            {kX + x0, kY + y0}};
}

Ring path(std::initializer_list<std::pair<double, double>> points)
{
    Ring ring;
    for (auto [x, y] : points)
        ring.push_back({kX + x, kY + y});
    return ring;
}

/// A layer built in code: fields declared once, then features as (parts of rings, values).
class LayerBuilder {
public:
    LayerBuilder(Role role, GeometryKind kind, std::vector<FieldDef> fields) : m_role(role)
    {
        m_layer.name = toString(role);
        m_layer.sourcePath = "(test)";
        m_layer.crs = Crs::fromEpsg(4547);
        m_layer.geometry.setKind(kind);
        m_layer.attributes.setFields(fields);
    }
    /// parts: each a list of rings (polygon: shell then holes; line: one path).
    LayerBuilder& add(const std::vector<std::vector<Ring>>& parts, std::vector<Value> values)
    {
        GeometryStore& store = m_layer.geometry;
        store.beginFeature();
        for (const auto& rings : parts) {
            store.beginPart();
            for (const Ring& ring : rings) {
                store.beginRing();
                for (auto [x, y] : ring)
                    store.addVertex(x, y);
            }
        }
        store.endFeature();
        AttributeTable& table = m_layer.attributes;
        for (std::size_t f = 0; f < table.fields().size(); ++f) {
            const int field = static_cast<int>(f);
            const Value value = f < values.size() ? values[f] : Value();
            if (const double* number = std::get_if<double>(&value))
                table.setReal(field, *number);
            else if (const std::string* text = std::get_if<std::string>(&value))
                table.setText(field, *text);
            else
                table.setUnknown(field);
        }
        table.commitRow();
        m_layer.fids.push_back(static_cast<std::int64_t>(m_layer.fids.size()) + 1);
        return *this;
    }
    LayerBuilder& polygon(const Ring& shell, std::vector<Value> values)
    {
        return add({{shell}}, std::move(values));
    }
    ParkLayer build() const
    {
        ParkLayer layer;
        layer.role = m_role;
        layer.layer = std::make_shared<const Layer>(m_layer);
        layer.fieldIndex = resolveContractFields(m_role, layer.layer->attributes);
        return layer;
    }

private:
    Role m_role;
    Layer m_layer;
};

FieldDef text(const char* name)
{
    return {name, FieldType::String};
}
FieldDef real(const char* name)
{
    return {name, FieldType::Real};
}

Park parkOf(std::vector<ParkLayer> layers)
{
    Park park;
    park.name = "test";
    park.crs = Crs::fromEpsg(4547);
    park.layers = std::move(layers);
    return park;
}

std::vector<Finding> check(const Park& park, std::vector<ComplianceRule> rules,
                           ComplianceSettings settings = {}, IssueList* issues = nullptr)
{
    IssueList local;
    ComplianceOptions options;
    options.settings = settings;
    options.rules = std::move(rules);
    return checkCompliance(park, options, issues ? *issues : local).findings;
}

/// Copies: the findings of one rule.
std::vector<Finding> ofRule(const std::vector<Finding>& findings, const std::string& rule)
{
    std::vector<Finding> out;
    for (const Finding& f : findings)
        if (f.rule == rule)
            out.push_back(f);
    return out;
}

const EvidenceValue* evidence(const Finding& f, const std::string& name)
{
    for (const Evidence& e : f.evidence)
        if (e.name == name)
            return &e.value;
    return nullptr;
}

LayerBuilder parcels()
{
    return LayerBuilder(Role::Parcels, GeometryKind::Polygon,
                        {text("parcel_id"), text("land_use"), text("status"), real("floor_area"),
                         real("invested"), real("tax")});
}

LayerBuilder zones()
{
    return LayerBuilder(Role::PlanZones, GeometryKind::Polygon,
                        {text("zone_id"), text("land_use"), real("far_min"), real("cover_min")});
}

fs::path tempDir(const std::string& name)
{
    return parkatlas::test::scratch(name);
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Land-use classification

// The sample park's layers: GB 50137 letter codes beside GTKJ-2023 numbers, as many 控规 are.
const LandUseSystems kControlPlan = {kGb50137, kGtkj2023};

TEST(LandUseClassificationTest, ChildCodesFitTheirParentsInBothSystems)
{
    const LandUseClassification& lu = LandUseClassification::standard();
    EXPECT_TRUE(lu.fits("M1", kControlPlan, "M", kControlPlan));
    EXPECT_TRUE(lu.fits("M1", kControlPlan, "M1", kControlPlan));
    EXPECT_TRUE(lu.fits("100101", kControlPlan, "1001", kControlPlan));
    EXPECT_TRUE(lu.fits("100101", kControlPlan, "10", kControlPlan));
    EXPECT_TRUE(lu.fits("110101", kControlPlan, "1101", kControlPlan));
    EXPECT_TRUE(lu.fits("090104", kControlPlan, "0901", kControlPlan));
    EXPECT_TRUE(lu.fits("U11", kControlPlan, "U", kControlPlan));
    EXPECT_FALSE(lu.fits("M", kControlPlan, "M1", kControlPlan)) << "a parent does not fit a child zone";
    EXPECT_FALSE(lu.fits("M3", kControlPlan, "M1", kControlPlan));
    EXPECT_FALSE(lu.fits("0901", kControlPlan, "100102", kControlPlan));
    EXPECT_FALSE(lu.fits("100102", kControlPlan, "1402", kControlPlan));
}

TEST(LandUseClassificationTest, CrossWalkAndCompatibilityTableApplyBothWays)
{
    const LandUseClassification& lu = LandUseClassification::standard();
    EXPECT_TRUE(lu.fits("M1", kControlPlan, "100101", kControlPlan));
    EXPECT_TRUE(lu.fits("100101", kControlPlan, "M1", kControlPlan));
    EXPECT_TRUE(lu.fits("100101", kControlPlan, "M", kControlPlan)) << "100101 ↔ M1, a child of M";
    EXPECT_TRUE(lu.fits("M2", kControlPlan, "1001", kControlPlan)) << "M2 ↔ 100102, a child of 1001";
    EXPECT_TRUE(lu.fits("B1", kControlPlan, "09", kControlPlan));
    EXPECT_TRUE(lu.fits("0701", kControlPlan, "R", kControlPlan)) << "07 ↔ R";
    EXPECT_TRUE(lu.fits("W1", kControlPlan, "M1", kControlPlan)) << "compatibility table";
    EXPECT_TRUE(lu.fits("110101", kControlPlan, "100101", kControlPlan)) << "compatibility through the cross-walk";
    EXPECT_FALSE(lu.fits("W2", kControlPlan, "M1", kControlPlan));
    EXPECT_FALSE(lu.fits("G1", kControlPlan, "M", kControlPlan));
}

TEST(LandUseClassificationTest, UnlistedCodesMixedCodesAndSpellingsAreHandled)
{
    const LandUseClassification& lu = LandUseClassification::standard();
    EXPECT_TRUE(lu.fits("090199", kControlPlan, "0901", kControlPlan)) << "an unlisted 2023 code fits by structure";
    EXPECT_TRUE(lu.fits(" m1 ", kControlPlan, "M", kControlPlan)) << "trimmed, case-insensitive";
    EXPECT_TRUE(lu.fits("B1", kControlPlan, "R2/B1", kControlPlan)) << "a mixed zone takes any of its codes";
    EXPECT_FALSE(lu.fits("B1/M1", kControlPlan, "B1", kControlPlan)) << "a mixed plot must fit with all its codes";
    EXPECT_TRUE(lu.fits("B11/B12", kControlPlan, "B1", kControlPlan));
    EXPECT_EQ(lu.nameOf("100101"), "一类工业用地");
    EXPECT_EQ(lu.nameOf("M3"), "三类工业用地");
    ASSERT_NE(lu.find("1207"), nullptr);
    EXPECT_EQ(lu.find("1207")->parent, "12");
    EXPECT_EQ(lu.find("1207")->colour.size(), 7u);
}

// ---------------------------------------------------------------------------------------------
// land_use_mismatch

TEST(ComplianceTest, PlotInsideAFittingZoneIsFineAndAMisfitIsMeasured)
{
    Park park = parkOf(
        {parcels()
             .polygon(rect(10, 10, 90, 90), {"P1", "M1"})    // inside zone Z1 (M): fits
             .polygon(rect(110, 10, 190, 90), {"P2", "B1"})  // inside zone Z2 (M1): misfit
             .polygon(rect(50, 110, 150, 190), {"P3", "M1"}) // half in Z3 (M), half in Z4 (G)
             .build(),
         zones()
             .polygon(rect(0, 0, 100, 100), {"Z1", "M"})
             .polygon(rect(100, 0, 200, 100), {"Z2", "M1"})
             .polygon(rect(0, 100, 100, 200), {"Z3", "M"})
             .polygon(rect(100, 100, 200, 200), {"Z4", "G"})
             .build()});
    const auto findings = check(park, {ComplianceRule::LandUseMismatch});
    const auto misfits = ofRule(findings, "land_use_mismatch");
    ASSERT_EQ(misfits.size(), 2u);
    EXPECT_EQ(misfits[0].featureId, "P2");
    EXPECT_NEAR(misfits[0].areaMu, muFromM2(6400), 6400 * 1e-6);
    EXPECT_FALSE(misfits[0].geometryWkb.empty());
    EXPECT_EQ(misfits[1].featureId, "P3");
    EXPECT_NEAR(misfits[1].areaMu, muFromM2(50 * 80), 1e-2) << "only the part in zone Z4";
    EXPECT_NE(misfits[1].reasonZh.find("绿地与广场用地"), std::string::npos) << misfits[1].reasonZh;
}

TEST(ComplianceTest, SliversUnderTheToleranceAreIgnoredAndOverItCount)
{
    // Zone G begins at y = 100; the plots reach 0.005 m (0.5 m²) and 0.02 m (2 m²) into it.
    Park park = parkOf({parcels()
                            .polygon(rect(0, 0, 100, 100.005), {"UNDER", "M1"})
                            .polygon(rect(200, 0, 300, 100.02), {"OVER", "M1"})
                            .polygon(rect(400, 0, 500, 100), {"TOUCH", "M1"})
                            .build(),
                        zones()
                            .polygon(rect(-10, -10, 510, 100), {"Z1", "M"})
                            .polygon(rect(-10, 100, 510, 200), {"Z2", "G"})
                            .build()});
    const auto misfits =
        ofRule(check(park, {ComplianceRule::LandUseMismatch}), "land_use_mismatch");
    ASSERT_EQ(misfits.size(), 1u);
    EXPECT_EQ(misfits[0].featureId, "OVER");
    ComplianceSettings strict;
    strict.landUseMismatch.sliverM2 = 0.1;
    EXPECT_EQ(
        ofRule(check(park, {ComplianceRule::LandUseMismatch}, strict), "land_use_mismatch").size(),
        2u);
}

TEST(ComplianceTest, MultipolygonsAndHolesAreJudgedByTheirArea)
{
    // A two-part plot with one part in a green zone; a plot whose hole covers the green zone.
    Park park =
        parkOf({parcels()
                    .add({{rect(10, 10, 50, 50)}, {rect(110, 10, 150, 50)}}, {"MULTI", "M1"})
                    .add({{rect(300, 0, 400, 100), rect(330, 30, 370, 70)}}, {"HOLE", "M1"})
                    .build(),
                zones()
                    .polygon(rect(0, 0, 100, 100), {"Z1", "M"})
                    .polygon(rect(100, 0, 200, 100), {"Z2", "G1"})
                    .add({{rect(300, 0, 400, 100), rect(330, 30, 370, 70)}}, {"Z3", "M"})
                    .polygon(rect(330, 30, 370, 70), {"Z4", "G1"}) // the plot's hole: touches only
                    .build()});
    const auto misfits =
        ofRule(check(park, {ComplianceRule::LandUseMismatch}), "land_use_mismatch");
    ASSERT_EQ(misfits.size(), 1u);
    EXPECT_EQ(misfits[0].featureId, "MULTI");
    EXPECT_NEAR(misfits[0].areaMu, muFromM2(1600), 1e-3);
}

TEST(ComplianceTest, UnknownLandUseCannotDecideInsteadOfGuessing)
{
    Park park = parkOf({parcels().polygon(rect(10, 10, 90, 90), {"P1", "xx"}).build(),
                        zones().polygon(rect(0, 0, 100, 100), {"Z1", "M"}).build()});
    const auto findings = check(park, {ComplianceRule::LandUseMismatch});
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].rule, kCannotDecide);
    EXPECT_EQ(std::get<std::string>(*evidence(findings[0], "needs")), "land_use");
    EXPECT_EQ(std::get<std::string>(*evidence(findings[0], "rule")), "land_use_mismatch");
}

// ---------------------------------------------------------------------------------------------
// outside_boundary

TEST(ComplianceTest, PartsOutsideTheChosenBoundaryKindAreMeasured)
{
    LayerBuilder boundary(Role::Boundary, GeometryKind::Polygon, {text("name"), text("kind")});
    boundary.polygon(rect(0, 0, 100, 100), {"一期", "核准范围"})
        .polygon(rect(100, 0, 200, 100), {"二期", "核准范围"}) // shares an edge with 一期
        .polygon(rect(0, 0, 400, 100), {"规划", "规划范围"});
    LayerBuilder roads(Role::Roads, GeometryKind::Line, {text("name"), real("width_m")});
    roads.add({{path({{50, 50}, {250, 50}})}}, {"R1", 20.0});
    LayerBuilder facilities(Role::Facilities, GeometryKind::Point, {text("name")});
    facilities.add({{path({{150, 50}})}}, {"inside"}).add({{path({{350, 50}})}}, {"outside"});
    Park park =
        parkOf({parcels()
                    .polygon(rect(90, 10, 190, 90), {"ACROSS", "M1"}) // over the shared edge
                    .polygon(rect(150, 10, 250, 90), {"HALF", "M1"})
                    .build(),
                boundary.build(), roads.build(), facilities.build()});
    const auto outside = ofRule(check(park, {ComplianceRule::OutsideBoundary}), "outside_boundary");
    ASSERT_EQ(outside.size(), 3u);
    EXPECT_EQ(outside[0].featureId, "HALF");
    EXPECT_NEAR(outside[0].areaMu, muFromM2(50 * 80), 1e-3);
    EXPECT_EQ(outside[1].layer, "roads");
    EXPECT_TRUE(std::isnan(outside[1].areaMu)) << "lines have no area";
    EXPECT_NEAR(std::get<double>(*evidence(outside[1], "outside_m")), 50, 0.01);
    EXPECT_EQ(outside[2].featureId, "outside");

    ComplianceSettings planned;
    planned.outsideBoundary.boundaryKind = "规划范围";
    EXPECT_TRUE(ofRule(check(park, {ComplianceRule::OutsideBoundary}, planned), "outside_boundary")
                    .empty());
    IssueList issues;
    planned.outsideBoundary.boundaryKind = "建成区";
    EXPECT_TRUE(check(park, {ComplianceRule::OutsideBoundary}, planned, &issues).empty());
    EXPECT_EQ(issues.count(Issue::Severity::Warning), 1u) << "says no boundary of that kind";
}

// ---------------------------------------------------------------------------------------------
// road_red_line, protected_overlap

TEST(ComplianceTest, RedLineIsTheCentreLineBufferedByHalfTheWidth)
{
    LayerBuilder roads(Role::Roads, GeometryKind::Line, {text("name"), real("width_m")});
    roads
        .add({{path({{0, 0}, {0, 300}})}}, {"经一路", 20.0}) // red line x in [-10, 10]
        .add({{path({{500, 0}, {500, 300}})}}, {"无宽度", Value()});
    Park park = parkOf({parcels()
                            .polygon(rect(5, 10, 105, 110), {"IN", "M1"}) // 5 m × 100 m inside
                            .polygon(rect(12, 120, 112, 220), {"CLEAR", "M1"}) // 2 m clear
                            .build(),
                        roads.build()});
    const auto findings = check(park, {ComplianceRule::RoadRedLine});
    const auto red = ofRule(findings, "road_red_line");
    ASSERT_EQ(red.size(), 1u);
    EXPECT_EQ(red[0].featureId, "IN");
    EXPECT_NEAR(red[0].areaMu, muFromM2(500), 1e-3);
    const auto unknown = ofRule(findings, kCannotDecide);
    ASSERT_EQ(unknown.size(), 1u) << "a road without width cannot be judged";
    EXPECT_EQ(unknown[0].layer, "roads");
}

TEST(ComplianceTest, ProtectedOverlapNamesTheKind)
{
    LayerBuilder protectedAreas(Role::Protected, GeometryKind::Polygon,
                                {text("kind"), text("name")});
    protectedAreas.polygon(rect(80, 0, 200, 100), {"生态保护红线", "湿地"})
        .polygon(rect(100, 200, 200, 300), {"永久基本农田", "北片"});
    Park park = parkOf({parcels()
                            .polygon(rect(0, 0, 100, 100), {"P1", "M1"})
                            .polygon(rect(0, 200, 100, 300), {"TOUCHING", "M1"})
                            .build(),
                        protectedAreas.build()});
    const auto found = ofRule(check(park, {ComplianceRule::ProtectedOverlap}), "protected_overlap");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].featureId, "P1");
    EXPECT_NEAR(found[0].areaMu, muFromM2(2000), 1e-3);
    EXPECT_EQ(std::get<std::string>(*evidence(found[0], "kind")), "生态保护红线");
}

// ---------------------------------------------------------------------------------------------
// intensity_below_standard

TEST(ComplianceTest, IntensityJudgesProducingPlotsAndSaysWhatIsUnknown)
{
    LayerBuilder buildings(Role::Buildings, GeometryKind::Polygon, {real("floors")});
    buildings
        .polygon(rect(10, 10, 60, 70), {1.0})    // 30 % of P_LOW_FAR
        .polygon(rect(210, 10, 260, 70), {1.0})  // 30 % of P_NO_TAX
        .polygon(rect(410, 10, 430, 60), {1.0}); // 10 % of P_LOW_COVER
    // 100 m squares: 15 mu. invested 3000 万元 = 200/mu, tax 300 万元 = 20/mu.
    Park park = parkOf(
        {parcels()
             .polygon(rect(0, 0, 100, 100), {"P_LOW_FAR", "M1", "已投产", 5000.0, 3000.0, 300.0})
             .polygon(rect(200, 0, 300, 100),
                      {"P_NO_TAX", "M1", "已投产", 20000.0, 3000.0, Value()})
             .polygon(rect(400, 0, 500, 100),
                      {"P_LOW_COVER", "M1", "已投产", 20000.0, 3000.0, 300.0})
             .polygon(rect(600, 0, 700, 100), {"P_BUILDING", "M1", "在建", 0.0, 10.0, Value()})
             .build(),
         zones().polygon(rect(-10, -10, 710, 110), {"Z", "M", 1.0, 0.2}).build(),
         buildings.build()});
    const auto findings = check(park, {ComplianceRule::IntensityBelowStandard});
    const auto low = ofRule(findings, "intensity_below_standard");
    ASSERT_EQ(low.size(), 2u);
    EXPECT_EQ(low[0].featureId, "P_LOW_FAR");
    EXPECT_NEAR(std::get<double>(*evidence(low[0], "far")), 0.5, 1e-4);
    EXPECT_EQ(low[1].featureId, "P_LOW_COVER");
    EXPECT_NEAR(std::get<double>(*evidence(low[1], "coverage")), 0.10, 1e-4);
    const auto unknown = ofRule(findings, kCannotDecide);
    ASSERT_EQ(unknown.size(), 1u);
    EXPECT_EQ(unknown[0].featureId, "P_NO_TAX");
    EXPECT_EQ(std::get<std::string>(*evidence(unknown[0], "needs")), "tax");
}

// ---------------------------------------------------------------------------------------------
// invalid_geometry, overlapping_parcels, duplicate_id

TEST(ComplianceTest, TopologyRulesFindBowTiesOverlapsAndReusedIds)
{
    const Ring bowTie = path({{300, 0}, {400, 100}, {400, 0}, {300, 100}, {300, 0}});
    Park park = parkOf({parcels()
                            .polygon(rect(0, 0, 100, 100), {"A", "M1"})
                            .polygon(rect(100, 0, 200, 100), {"B", "M1"})     // touches A
                            .polygon(rect(190, 0, 290, 100), {"C", "M1"})     // 10 m into B
                            .polygon(rect(0, 100.005, 100, 200), {"D", "M1"}) // clear of A
                            .polygon(rect(0, 199.99, 100, 300), {"A", "M1"})  // 1 m² into D
                            .polygon(bowTie, {"BOW", "M1"})
                            .polygon(rect(290, 0, 390, 100), {"E", "M1"}) // over the bow tie
                            .build()});
    const auto findings =
        check(park, {ComplianceRule::InvalidGeometry, ComplianceRule::OverlappingParcels,
                     ComplianceRule::DuplicateId});
    const auto invalid = ofRule(findings, "invalid_geometry");
    ASSERT_EQ(invalid.size(), 1u);
    EXPECT_EQ(invalid[0].featureId, "BOW");
    EXPECT_NE(invalid[0].reasonEn.find("Self-intersection"), std::string::npos);
    EXPECT_FALSE(invalid[0].geometryWkb.empty()) << "the location";
    const auto overlaps = ofRule(findings, "overlapping_parcels");
    ASSERT_EQ(overlaps.size(), 1u) << "touching plots and a 1 m² sliver do not count; the "
                                      "invalid plot is left out";
    EXPECT_EQ(overlaps[0].fids, (std::vector<std::int64_t>{2, 3}));
    EXPECT_NEAR(overlaps[0].areaMu, muFromM2(1000), 1e-3);
    const auto duplicates = ofRule(findings, "duplicate_id");
    ASSERT_EQ(duplicates.size(), 1u);
    EXPECT_EQ(duplicates[0].fids, (std::vector<std::int64_t>{1, 5}));
}

// ---------------------------------------------------------------------------------------------
// works_on_unacquired_land

TEST(ComplianceTest, ActiveWorksMustStayOnLandAcquiredPastCompensation)
{
    LayerBuilder acquisition(Role::Acquisition, GeometryKind::Polygon,
                             {text("batch_id"), text("name"), text("stage")});
    acquisition.polygon(rect(-50, 0, 50, 1000), {"P1", "甲村", "拆迁"})
        .polygon(rect(150, 0, 250, 500), {"P2", "乙村", "场平"})
        .polygon(rect(150, 500, 250, 1000), {"P3", "丙村", "补偿"});
    LayerBuilder roads(Role::Roads, GeometryKind::Line,
                       {text("name"), real("width_m"), text("stage")});
    roads.add({{path({{0, 10}, {0, 990}})}}, {"ON", 20.0, "在建"})
        .add({{path({{200, 10}, {200, 990}})}}, {"HALF", 20.0, "竣工"})
        .add({{path({{400, 10}, {400, 990}})}}, {"PLANNED", 20.0, "设计"});
    LayerBuilder pipes(Role::Pipelines, GeometryKind::Line, {text("name"), text("stage")});
    pipes.add({{path({{-20, 10}, {100, 10}})}}, {"OUT", "在建"});
    Park park = parkOf({acquisition.build(), roads.build(), pipes.build()});
    const auto works =
        ofRule(check(park, {ComplianceRule::WorksOnUnacquiredLand}), "works_on_unacquired_land");
    ASSERT_EQ(works.size(), 2u);
    EXPECT_EQ(works[0].featureId, "HALF");
    EXPECT_NEAR(std::get<double>(*evidence(works[0], "outside_m")), 490, 0.01);
    EXPECT_NE(works[0].reasonZh.find("丙村（补偿）"), std::string::npos) << works[0].reasonZh;
    // The strip outside: 490 m × 20 m and the round end cap (half a 10 m disc).
    EXPECT_NEAR(works[0].areaMu, muFromM2(490 * 20 + M_PI * 100 / 2), 1e-3);
    EXPECT_EQ(works[1].featureId, "OUT");
    EXPECT_NEAR(std::get<double>(*evidence(works[1], "outside_m")), 50, 0.01);
    EXPECT_TRUE(std::isnan(works[1].areaMu));
}

namespace {

/// Every field of two findings lists the same, the geometry and the numbers to the bit.
void expectSameFindings(const std::vector<Finding>& shared, const std::vector<Finding>& made)
{
    ASSERT_EQ(shared.size(), made.size());
    for (std::size_t i = 0; i < shared.size(); ++i) {
        SCOPED_TRACE(shared[i].reasonEn);
        EXPECT_EQ(shared[i].rule, made[i].rule);
        EXPECT_EQ(shared[i].layer, made[i].layer);
        EXPECT_EQ(shared[i].fids, made[i].fids);
        EXPECT_EQ(shared[i].featureId, made[i].featureId);
        EXPECT_EQ(std::isnan(shared[i].areaMu), std::isnan(made[i].areaMu));
        if (!std::isnan(made[i].areaMu)) {
            EXPECT_EQ(shared[i].areaMu, made[i].areaMu);
        }
        EXPECT_EQ(shared[i].reasonZh, made[i].reasonZh);
        EXPECT_EQ(shared[i].reasonEn, made[i].reasonEn);
        EXPECT_EQ(shared[i].clause, made[i].clause);
        ASSERT_EQ(shared[i].evidence.size(), made[i].evidence.size());
        for (std::size_t e = 0; e < made[i].evidence.size(); ++e) {
            EXPECT_EQ(shared[i].evidence[e].name, made[i].evidence[e].name);
            EXPECT_EQ(shared[i].evidence[e].value, made[i].evidence[e].value)
                << made[i].evidence[e].name;
        }
        EXPECT_EQ(shared[i].geometryWkb, made[i].geometryWkb);
    }
}

/// works_on_unacquired_land with the batch unions shared between works (the fast path) and
/// made for each works (the reference), one worker and two.
void expectSharedUnionsChangeNothing(const Park& park, std::size_t atLeast)
{
    auto works = [&](bool shared, unsigned threads) {
        sharedUnionsEnabled() = shared;
        IssueList issues;
        ComplianceOptions options;
        options.rules = {ComplianceRule::WorksOnUnacquiredLand};
        options.threads = threads;
        auto found =
            ofRule(checkCompliance(park, options, issues).findings, "works_on_unacquired_land");
        sharedUnionsEnabled() = true;
        return found;
    };
    const std::vector<Finding> reference = works(false, 1);
    EXPECT_GE(reference.size(), atLeast);
    expectSameFindings(works(true, 1), reference);
    expectSameFindings(works(true, 2), reference);
}

} // namespace

TEST(ComplianceTest, WorksReachingTheSameBatchesShareTheirUnionAndFindTheSame)
{
    {
        SCOPED_TRACE("synthetic: a grid of batches, roads and pipelines along and across it");
        LayerBuilder acquisition(Role::Acquisition, GeometryKind::Polygon,
                                 {text("batch_id"), text("name"), text("stage")});
        const char* stages[] = {"拆迁", "补偿", "场平", "交地", "征收"};
        int n = 0;
        for (int row = 0; row < 8; ++row)
            for (int column = 0; column < 8; ++column, ++n) {
                // Rows of batches a little askew, so the unions are not just rectangles.
                const double x = column * 100, y = row * 80 + (column % 2) * 7;
                acquisition.polygon(
                    path({{x, y}, {x + 100, y + 3}, {x + 100, y + 83}, {x, y + 80}, {x, y}}),
                    {std::string("B").append(std::to_string(n)),
                     std::string("批次").append(std::to_string(n)),
                     std::string(stages[(row * 3 + column) % 5])});
            }
        LayerBuilder roads(Role::Roads, GeometryKind::Line,
                           {text("name"), real("width_m"), text("stage")});
        LayerBuilder pipes(Role::Pipelines, GeometryKind::Line, {text("name"), text("stage")});
        int r = 0;
        for (int k = 0; k < 7; ++k) {
            const double y = 80 * k + 78;
            // Segments of each road, then the same course again (a widened carriageway, a
            // pipeline along it): the same batches reached again and again.
            for (int part = 0; part < 4; ++part, ++r) {
                const double x0 = part * 190 + 5, x1 = x0 + 240;
                roads.add({{path({{x0, y}, {x1, y + 4}})}},
                          {"横" + std::to_string(r), 20.0 + (part % 2) * 10, "在建"});
                roads.add({{path({{x0, y}, {x1, y + 4}})}},
                          {"横宽" + std::to_string(r), 24.0, "在建"});
                pipes.add({{path({{x0, y + 1}, {x1, y + 5}})}}, {"管" + std::to_string(r), "在建"});
            }
            const double x = 100 * k + 97;
            roads.add({{path({{x, 5}, {x + 6, 630}})}}, {"纵" + std::to_string(k), 16.0, "在建"});
            roads.add({{path({{x, 5}, {x + 6, 630}})}}, {"纵复" + std::to_string(k), 16.0, "在建"});
        }
        roads.add({{path({{-200, -200}, {-100, -150}})}}, {"界外", 20.0, "在建"});
        expectSharedUnionsChangeNothing(parkOf({acquisition.build(), roads.build(), pipes.build()}),
                                        20);
    }
    {
        SCOPED_TRACE("realdata: DLTB patches as batches, its roads as works");
        const std::string folder = std::string(PARKATLAS_REALDATA) + "/china/ae102devedemo/";
        GDALAllRegister();
        GDALDatasetUniquePtr patches(
            GDALDataset::Open((folder + "DLTB.shp").c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
        GDALDatasetUniquePtr lines(
            GDALDataset::Open((folder + "Road.shp").c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
        ASSERT_TRUE(patches && lines);
        // The real shapes, moved from their Xian 1980 zone to the tests' EPSG:4547 spot.
        auto ring = [](const OGRLineString& from) {
            Ring out;
            for (int v = 0; v < from.getNumPoints(); ++v)
                out.push_back({from.getX(v) - 500000 + kX, from.getY(v) + kY});
            return out;
        };
        LayerBuilder acquisition(Role::Acquisition, GeometryKind::Polygon,
                                 {text("batch_id"), text("name"), text("stage")});
        int n = 0;
        for (const auto& patch : *patches->GetLayer(0)) {
            const OGRGeometry* g = patch->GetGeometryRef();
            ASSERT_TRUE(g && wkbFlatten(g->getGeometryType()) == wkbPolygon);
            const OGRPolygon& polygon = *g->toPolygon();
            std::vector<Ring> rings;
            for (const OGRLinearRing* r : polygon)
                rings.push_back(ring(*r));
            acquisition.add({rings}, {"D" + std::to_string(n), "图斑" + std::to_string(n),
                                      std::string(n % 3 == 0 ? "补偿" : "拆迁")});
            ++n;
        }
        LayerBuilder roads(Role::Roads, GeometryKind::Line,
                           {text("name"), real("width_m"), text("stage")});
        LayerBuilder pipes(Role::Pipelines, GeometryKind::Line, {text("name"), text("stage")});
        int r = 0;
        for (const auto& road : *lines->GetLayer(0)) {
            const OGRGeometry* g = road->GetGeometryRef();
            ASSERT_TRUE(g && wkbFlatten(g->getGeometryType()) == wkbLineString);
            const Ring course = ring(*g->toLineString());
            for (double width : {12.0, 30.0, 30.0})
                roads.add({{course}}, {"R" + std::to_string(r++), width, "在建"});
            pipes.add({{course}}, {"P" + std::to_string(r), "在建"});
        }
        expectSharedUnionsChangeNothing(parkOf({acquisition.build(), roads.build(), pipes.build()}),
                                        10);
    }
}

TEST(SharedUnionsTest, AUnionTakenAgainIsTheUnionMadeAgain)
{
    // Real patches united in overlapping runs, each run asked for twice: the second is a
    // clone of the first, and a difference against it is the same to the bit.
    const std::string folder = std::string(PARKATLAS_REALDATA) + "/china/ae102devedemo/";
    GDALAllRegister();
    GDALDatasetUniquePtr patches(
        GDALDataset::Open((folder + "DLTB.shp").c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    ASSERT_TRUE(patches);
    GeosContext geos;
    GEOSContextHandle_t h = geos.handle();
    std::vector<GeosGeomPtr> all;
    for (const auto& patch : *patches->GetLayer(0)) {
        std::vector<unsigned char> wkb(patch->GetGeometryRef()->WkbSize());
        patch->GetGeometryRef()->exportToWkb(wkbNDR, wkb.data());
        all.push_back(geos.fromWkb(wkb));
        ASSERT_TRUE(all.back());
    }
    ASSERT_GE(all.size(), 6u);
    auto unite = [&](const std::vector<std::uint32_t>& key) {
        std::vector<GEOSGeometry*> raw;
        for (std::uint32_t a : key)
            raw.push_back(GEOSGeom_clone_r(h, all[a].get()));
        GeosGeomPtr collection = geos.own(GEOSGeom_createCollection_r(
            h, GEOS_GEOMETRYCOLLECTION, raw.data(), static_cast<unsigned>(raw.size())));
        return geos.own(GEOSUnaryUnion_r(h, collection.get()));
    };
    GeosGeomPtr cutter = geos.own(GEOSBuffer_r(h, all[0].get(), 40, 8));
    SharedUnions unions(true, 3);
    for (std::uint32_t first = 0; first + 3 <= all.size(); ++first) {
        const std::vector<std::uint32_t> key = {first, first + 1, first + 2};
        for (int ask = 0; ask < 2; ++ask) { // made, then taken from the cache
            GeosGeomPtr taken = unions.unionOf(geos, key, [&] { return unite(key); });
            GeosGeomPtr made = unite(key);
            ASSERT_TRUE(taken && made);
            EXPECT_EQ(geos.toWkb(taken.get()), geos.toWkb(made.get()));
            GeosGeomPtr a = geos.own(GEOSDifference_r(h, cutter.get(), taken.get()));
            GeosGeomPtr b = geos.own(GEOSDifference_r(h, cutter.get(), made.get()));
            ASSERT_TRUE(a && b);
            EXPECT_EQ(geos.toWkb(a.get()), geos.toWkb(b.get()));
        }
    }
    const std::size_t runs = all.size() - 2;
    EXPECT_EQ(unions.hits(), runs);
    EXPECT_EQ(unions.made(), runs);
    // Three kept: the first run, asked for again after the others, is made again.
    const std::vector<std::uint32_t> firstRun = {0, 1, 2};
    EXPECT_TRUE(unions.unionOf(geos, firstRun, [&] { return unite(firstRun); }));
    EXPECT_EQ(unions.made(), runs + 1);
    EXPECT_EQ(unions.hits(), runs);
    SharedUnions off(false);
    const std::vector<std::uint32_t> key = {0, 1};
    off.unionOf(geos, key, [&] { return unite(key); });
    off.unionOf(geos, key, [&] { return unite(key); });
    EXPECT_EQ(off.hits() + off.made(), 0u) << "off: each union made where it is asked for";
}

// ---------------------------------------------------------------------------------------------
// Expansion zones: land_use_mismatch and unacquired_land

namespace {

LayerBuilder expansion()
{
    return LayerBuilder(Role::Expansion, GeometryKind::Polygon, {text("name"), text("land_use")});
}

} // namespace

TEST(ComplianceTest, ExpansionZonesWithALandUseAreJudgedAgainstThePlan)
{
    Park park = parkOf({parcels().polygon(rect(110, 10, 190, 90), {"P1", "B1"}).build(),
                        zones()
                            .polygon(rect(0, 0, 100, 100), {"Z1", "M"})
                            .polygon(rect(100, 0, 200, 100), {"Z2", "G1"})
                            .build(),
                        expansion()
                            .polygon(rect(50, 0, 150, 100), {"东扩", "M1"})    // half in Z2
                            .polygon(rect(10, 10, 190, 90), {"未定", Value()}) // no land use
                            .polygon(rect(10, 10, 90, 90), {"合规", "M2"})
                            .build()});
    const auto findings = check(park, {ComplianceRule::LandUseMismatch});
    const auto misfits = ofRule(findings, "land_use_mismatch");
    ASSERT_EQ(misfits.size(), 2u);
    EXPECT_EQ(misfits[0].layer, "parcels") << "parcels first, as before";
    EXPECT_EQ(misfits[0].featureId, "P1");
    EXPECT_EQ(misfits[1].layer, "expansion");
    EXPECT_EQ(misfits[1].featureId, "东扩");
    EXPECT_NEAR(misfits[1].areaMu, muFromM2(50 * 100), 1e-3);
    EXPECT_NE(misfits[1].reasonZh.find("占扩区方案 50.0%"), std::string::npos)
        << misfits[1].reasonZh;
    EXPECT_NEAR(std::get<double>(*evidence(misfits[1], "expansion_m2")), 100 * 100, 0.1);
    EXPECT_TRUE(ofRule(findings, kCannotDecide).empty())
        << "a zone with no land use is not judged, and says nothing";

    ComplianceSettings parcelsOnly;
    parcelsOnly.landUseMismatch.layers = {"parcels"};
    const auto only =
        ofRule(check(park, {ComplianceRule::LandUseMismatch}, parcelsOnly), "land_use_mismatch");
    ASSERT_EQ(only.size(), 1u);
    EXPECT_EQ(only[0].layer, "parcels");
    ComplianceSettings zonesOnly;
    zonesOnly.landUseMismatch.layers = {"expansion"};
    const auto zoned =
        ofRule(check(park, {ComplianceRule::LandUseMismatch}, zonesOnly), "land_use_mismatch");
    ASSERT_EQ(zoned.size(), 1u);
    EXPECT_EQ(zoned[0].layer, "expansion");
}

TEST(ComplianceTest, ExpansionLandNotAcquiredPastCompensationIsMeasured)
{
    LayerBuilder acquisition(Role::Acquisition, GeometryKind::Polygon,
                             {text("batch_id"), text("name"), text("stage")});
    acquisition.polygon(rect(0, 0, 100, 100), {"B1", "甲村", "拆迁"})
        .polygon(rect(100, 0, 200, 100), {"B2", "乙村", "补偿"});
    Park park = parkOf({acquisition.build(), expansion()
                                                 .polygon(rect(50, 0, 250, 100), {"跨批次", "M1"})
                                                 .polygon(rect(10, 10, 90, 90), {"已征", "M1"})
                                                 .build()});
    const auto found = ofRule(check(park, {ComplianceRule::UnacquiredLand}), "unacquired_land");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].featureId, "跨批次");
    // Unacquired: the 补偿 batch's 100 m and the 50 m in no batch.
    EXPECT_NEAR(found[0].areaMu, muFromM2(150 * 100), 1e-3);
    EXPECT_NEAR(std::get<double>(*evidence(found[0], "acquired_mu")), muFromM2(50 * 100), 1e-3);
    EXPECT_EQ(std::get<std::string>(*evidence(found[0], "batches")), "B1（拆迁）, B2（补偿）");
    EXPECT_NE(found[0].reasonZh.find("22.50 亩"), std::string::npos) << found[0].reasonZh;
    EXPECT_NE(found[0].reasonEn.find("22.50 mu"), std::string::npos) << found[0].reasonEn;
    EXPECT_FALSE(found[0].geometryWkb.empty());

    ComplianceSettings compensated;
    compensated.worksOnUnacquiredLand.acquiredFromStage = "补偿";
    const auto fewer =
        ofRule(check(park, {ComplianceRule::UnacquiredLand}, compensated), "unacquired_land");
    ASSERT_EQ(fewer.size(), 1u) << "the stage order is works_on_unacquired_land's";
    EXPECT_NEAR(fewer[0].areaMu, muFromM2(50 * 100), 1e-3);

    IssueList issues;
    Park bare = parkOf({expansion().polygon(rect(0, 0, 100, 100), {"无征地图层", "M1"}).build()});
    const auto all =
        ofRule(check(bare, {ComplianceRule::UnacquiredLand}, {}, &issues), "unacquired_land");
    ASSERT_EQ(all.size(), 1u) << "no acquisition layer: all of it is unacquired";
    EXPECT_NEAR(all[0].areaMu, muFromM2(100 * 100), 1e-3);
    EXPECT_EQ(issues.count(Issue::Severity::Warning), 1u);
}

// ---------------------------------------------------------------------------------------------
// Layers in different CRSs, settings from a project file

TEST(ComplianceTest, LayersInDifferentCrsAreCheckedInTheWorkingCrs)
{
    // parcels in EPSG:4547, zones in EPSG:4526 (the same Gauss-Krüger zone with its 38 prefix):
    // loadPark brings both into EPSG:4547.
    const fs::path dir = tempDir("rules-two-crs");
    auto feature = [](const Ring& ring, double shift, const std::string& properties) {
        std::ostringstream coordinates;
        coordinates.precision(12);
        for (std::size_t k = 0; k < ring.size(); ++k)
            coordinates << (k ? "," : "") << "[" << ring[k].first + shift << "," << ring[k].second
                        << "]";
        return "{\"type\":\"Feature\",\"properties\":" + properties +
               ",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[" + coordinates.str() +
               "]]}}";
    };
    auto collection = [](int epsg, const std::string& features) {
        return "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{"
               "\"name\":\"urn:ogc:def:crs:EPSG::" +
               std::to_string(epsg) + "\"}},\"features\":[" + features + "]}";
    };
    std::ofstream(dir / "parcels.geojson") << collection(
        4547, feature(rect(10, 10, 90, 90), 0, R"({"parcel_id":"P1","land_use":"B1"})"));
    std::ofstream(dir / "plan_zones.geojson") << collection(
        4526, feature(rect(0, 0, 100, 100), 38000000, R"({"zone_id":"Z1","land_use":"M1"})"));
    IssueList issues;
    const Park park = loadPark(discoverPark(dir.string()), {}, issues);
    ASSERT_EQ(park.crs.epsg(), 4547);
    ASSERT_EQ(park.layers.size(), 2u);
    const auto misfits =
        ofRule(check(park, {ComplianceRule::LandUseMismatch}), "land_use_mismatch");
    ASSERT_EQ(misfits.size(), 1u);
    EXPECT_NEAR(misfits[0].areaMu, muFromM2(6400), 1e-3);
}

TEST(ComplianceSettingsTest, ProjectFileOverridesDefaultsAndReportsUnknownKeys)
{
    const fs::path dir = tempDir("rules-settings");
    const fs::path project = dir / "p.parkatlas.json";
    std::ofstream(project) << R"({"layers": {}, "rules": {
        "land_use_mismatch": {"enabled": false, "sliver_m2": 5},
        "outside_boundary": {"boundary_kind": "规划范围"},
        "intensity_below_standard": {"tax_min_wan_per_mu": null, "coverage_source": "built_area"},
        "idle_not_started": {"enabled": true},
        "no_such_rule": {},
        "duplicate_id": {"enabled": "yes", "colour": 1},
        "unacquired_land": {"layers": ["expansion", "parcels"], "sliver_m2": 10}}})";
    IssueList issues;
    const ComplianceSettings s = ComplianceSettings::load(project.string(), issues);
    EXPECT_FALSE(s.landUseMismatch.enabled);
    EXPECT_EQ(s.landUseMismatch.sliverM2, 5);
    EXPECT_EQ(s.outsideBoundary.boundaryKind, "规划范围");
    EXPECT_FALSE(s.intensityBelowStandard.taxMinWanPerMu.has_value());
    EXPECT_FALSE(s.intensityBelowStandard.coverageFromBuildings);
    EXPECT_EQ(s.intensityBelowStandard.investmentMinWanPerMu, 200.0) << "from thresholds.json";
    EXPECT_TRUE(s.duplicateId.enabled);
    EXPECT_EQ(s.landUseMismatch.layers, (std::vector<std::string>{"parcels", "expansion"}))
        << "from thresholds.json";
    EXPECT_EQ(s.unacquiredLand.layers, (std::vector<std::string>{"expansion", "parcels"}));
    EXPECT_EQ(s.unacquiredLand.sliverM2, 10);
    EXPECT_TRUE(s.unacquiredLand.enabled);
    EXPECT_EQ(issues.count(Issue::Severity::Warning), 3u)
        << "no_such_rule, duplicate_id.enabled's type, duplicate_id.colour; the audit's rules "
           "are not ours to judge";
}

// ---------------------------------------------------------------------------------------------
// The sample park: exactly the planted cases

namespace {

using Key = std::tuple<std::string, std::string, std::int64_t>; // rule, layer, gpkg fid

/// The compliance rules' planted cases of expected_findings.json, and the cannot_decide
/// reasons ("land_use_mismatch needs land_use") per (layer, fid) for our rules.
std::pair<std::set<Key>, std::map<std::pair<std::string, std::int64_t>, std::set<std::string>>>
expectedSampleFindings()
{
    CPLJSONDocument document;
    EXPECT_TRUE(document.Load(kSample + "/expected_findings.json"));
    std::set<Key> keys;
    std::map<std::pair<std::string, std::int64_t>, std::set<std::string>> needs;
    const CPLJSONArray findings = document.GetRoot().GetArray("findings");
    for (int i = 0; i < findings.Size(); ++i) {
        const std::string rule = findings[i].GetString("rule");
        const std::string layer = findings[i].GetString("layer");
        const std::int64_t fid = findings[i].GetLong("fid");
        if (complianceRuleFromString(rule)) {
            keys.insert({rule, layer, fid});
        } else if (rule == kCannotDecide) {
            const CPLJSONArray reasons = findings[i].GetArray("needs");
            for (int k = 0; k < reasons.Size(); ++k) {
                const std::string reason = reasons[k].ToString();
                if (complianceRuleFromString(reason.substr(0, reason.find(' '))))
                    needs[{layer, fid}].insert(reason);
            }
        }
    }
    return {keys, needs};
}

void expectPlantedCases(const std::string& source, std::int64_t fidOffset)
{
    IssueList issues;
    const Park park = loadPark(discoverPark(source), {}, issues);
    ASSERT_EQ(issues.count(Issue::Severity::Error), 0u) << source;
    ComplianceOptions options;
    const ComplianceResult result = checkCompliance(park, options, issues);
    EXPECT_EQ(result.rulesRun.size(), allComplianceRules().size());
    std::set<Key> found;
    std::map<std::pair<std::string, std::int64_t>, std::set<std::string>> needs;
    for (const Finding& f : result.findings) {
        for (std::int64_t fid : f.fids) {
            if (f.rule == kCannotDecide)
                needs[{f.layer, fid + fidOffset}].insert(
                    std::get<std::string>(*evidence(f, "rule")) + " needs " +
                    std::get<std::string>(*evidence(f, "needs")));
            else
                found.insert({f.rule, f.layer, fid + fidOffset});
        }
        EXPECT_FALSE(f.reasonZh.empty());
        EXPECT_FALSE(f.reasonEn.empty());
        if (f.rule != kCannotDecide && f.rule != "duplicate_id") {
            EXPECT_FALSE(f.geometryWkb.empty()) << f.rule << " " << f.featureId;
        }
    }
    const auto [expected, expectedNeeds] = expectedSampleFindings();
    for (const Key& key : expected)
        EXPECT_TRUE(found.count(key)) << source << ": missed " << std::get<0>(key) << " "
                                      << std::get<1>(key) << " " << std::get<2>(key);
    for (const Key& key : found)
        EXPECT_TRUE(expected.count(key)) << source << ": not planted: " << std::get<0>(key) << " "
                                         << std::get<1>(key) << " " << std::get<2>(key);
    EXPECT_EQ(needs, expectedNeeds) << source;
}

} // namespace

TEST(ComplianceSampleParkTest, GeoPackageGivesExactlyThePlantedCases)
{
    expectPlantedCases(kSample + "/park.gpkg", 0);
}

TEST(ComplianceSampleParkTest, GbkShapefileProjectGivesTheSameCases)
{
    // Shapefile FIDs start at 0: GeoPackage fid = shapefile FID + 1.
    expectPlantedCases(kSample + "/shp.parkatlas.json", 1);
}

namespace {

/// The sample park with its parcels' codes recoded into GB/T 21010-2017 through the crosswalk:
/// each code becomes the most specific GB/T 21010 class that holds it (M1, 100101 → 0601
/// 工业用地; 0901 商业用地 → 05 商服用地; B2 → 0505; W1 → 0604), as a cadastre codes them.
/// `declare` says the parcels' classification; else it is left to detection.
Park sampleRecodedInto21010(bool declare, std::map<std::string, std::string>* recoding = nullptr)
{
    IssueList issues;
    Park park = loadPark(discoverPark(kSample + "/park.gpkg"), {}, issues);
    const LandUseClassification& table = LandUseClassification::standard();
    const LandUseSystems from = {kGb50137, kGtkj2023};
    ParkLayer* parcelLayer = nullptr;
    for (ParkLayer& layer : park.layers)
        if (layer.role == Role::Parcels)
            parcelLayer = &layer;
    EXPECT_NE(parcelLayer, nullptr);
    const int field = parcelLayer->field("land_use");
    const AttributeTable& old = parcelLayer->layer->attributes;
    AttributeTable recoded;
    recoded.setFields(old.fields());
    for (std::size_t row = 0; row < old.rowCount(); ++row) {
        for (std::size_t f = 0; f < old.fields().size(); ++f) {
            const int i = static_cast<int>(f);
            if (old.isUnknown(row, i)) {
                recoded.setUnknown(i);
                continue;
            }
            std::string value = old.text(row, i);
            if (i == field && !isUnknownText(value)) {
                std::string best;
                for (const LandUseClass& c : table.classes())
                    if (c.system == kGbt21010 && c.code.size() >= best.size() &&
                        table.fits(value, from, c.code, {kGbt21010}))
                        best = c.code;
                EXPECT_FALSE(best.empty()) << value;
                if (recoding)
                    (*recoding)[value] = best;
                value = best;
            }
            switch (old.fields()[f].type) {
            case FieldType::Integer:
                recoded.setInteger(i, *old.integer(row, i));
                break;
            case FieldType::Real:
                recoded.setReal(i, *old.number(row, i));
                break;
            case FieldType::Date:
                recoded.setDate(i, *old.date(row, i));
                break;
            case FieldType::String:
                recoded.setText(i, value);
                break;
            }
        }
        recoded.commitRow();
    }
    Layer layer = *parcelLayer->layer; // the park's layers are shared: change a copy
    layer.attributes = std::move(recoded);
    parcelLayer->layer = std::make_shared<const Layer>(std::move(layer));
    if (declare) {
        parcelLayer->classification = kGbt21010;
        parcelLayer->classificationOrigin = "in the test";
    }
    return park;
}

std::set<std::int64_t> fidsOf(const std::vector<Finding>& findings, const std::string& rule)
{
    std::set<std::int64_t> out;
    for (const Finding& f : findings)
        if (f.rule == rule && f.layer == "parcels")
            out.insert(f.fids.begin(), f.fids.end());
    return out;
}

} // namespace

TEST(ComplianceSampleParkTest, ACadastreCodedInGbt21010FindsThePlantedMismatches)
{
    std::map<std::string, std::string> recoding;
    const Park park = sampleRecodedInto21010(true, &recoding);
    EXPECT_EQ(recoding["M1"], "0601");
    EXPECT_EQ(recoding["100102"], "0601");
    EXPECT_EQ(recoding["0901"], "05");
    EXPECT_EQ(recoding["090104"], "0504");
    EXPECT_EQ(recoding["B2"], "0505");
    EXPECT_EQ(recoding["W1"], "0604");
    IssueList issues;
    ComplianceOptions options;
    options.rules = {ComplianceRule::LandUseMismatch};
    const ComplianceResult result = checkCompliance(park, options, issues);
    EXPECT_EQ(result.landUseSystems.at(Role::Parcels).systems, LandUseSystems{kGbt21010});
    EXPECT_TRUE(result.landUseSystems.at(Role::Parcels).declared);
    // The planted misfits: QL2020-009 (商业 in an industrial zone), QL2020-015 (industry in a
    // green belt). QL2016-049 (M3 in an M1 zone) is one a cadastre cannot see: 0601 is just
    // 工业用地, so it is too coarse for the M1 zone, not a misfit.
    EXPECT_EQ(fidsOf(result.findings, "land_use_mismatch"), (std::set<std::int64_t>{170, 251}));
    const std::set<std::int64_t> coarse = fidsOf(result.findings, kLandUseTooCoarse);
    EXPECT_TRUE(coarse.count(408));
    for (const Finding& f : result.findings) {
        if (f.rule != kLandUseTooCoarse)
            continue;
        const std::string code = std::get<std::string>(*evidence(f, "land_use"));
        EXPECT_TRUE(code == "0601" || code == "0604" || code == "05") << f.reasonEn;
        EXPECT_FALSE(std::get<std::string>(*evidence(f, "required")).empty()) << f.reasonEn;
        EXPECT_NE(f.reasonZh.find("应细分为"), std::string::npos) << f.reasonZh;
    }
    for (const Finding& f : result.findings)
        if (f.rule == kLandUseTooCoarse && f.fids == std::vector<std::int64_t>{408}) {
            EXPECT_EQ(std::get<std::string>(*evidence(f, "required")), "M1（一类工业用地）");
            EXPECT_EQ(std::get<std::string>(*evidence(f, "land_use_classification")),
                      kGbt21010);
        }
}

TEST(ComplianceSampleParkTest, UndeclaredGbt21010CodesThatFit2023TooAreNeverGuessed)
{
    // 05, 0504, 0505, 0601, 0604 are all codes of the 2023 guide too (湿地, 沼泽地, 沿海滩涂,
    // 乡村道路用地, 水产养殖设施建设用地): detection cannot tell. A code is judged only where
    // both readings agree (05 商服 or 湿地, 0601 工业 or 乡村道路: neither belongs in a green belt
    // or an industrial zone's …); where they differ (0601 in an M1 zone: too coarse as 工业用地,
    // a misfit as 乡村道路用地) it is cannot_decide, never guessed.
    const Park park = sampleRecodedInto21010(false);
    IssueList issues;
    ComplianceOptions options;
    options.rules = {ComplianceRule::LandUseMismatch};
    const ComplianceResult result = checkCompliance(park, options, issues);
    const LandUseDetection& parcels = result.landUseSystems.at(Role::Parcels);
    EXPECT_EQ(parcels.systems, (LandUseSystems{kGbt21010, kGtkj2023}));
    EXPECT_FALSE(parcels.declared);
    EXPECT_NE(parcels.warning.find("0601"), std::string::npos) << parcels.warning;
    EXPECT_EQ(fidsOf(result.findings, "land_use_mismatch"), (std::set<std::int64_t>{170, 251}));
    EXPECT_TRUE(fidsOf(result.findings, kLandUseTooCoarse).empty());
    const std::set<std::int64_t> undecided = fidsOf(result.findings, kCannotDecide);
    EXPECT_TRUE(undecided.count(408));
    for (const Finding& f : result.findings)
        if (f.rule == kCannotDecide && f.fids == std::vector<std::int64_t>{408}) {
            const std::string needs = std::get<std::string>(*evidence(f, "needs"));
            EXPECT_NE(needs.find("工业用地 in GB/T 21010-2017"), std::string::npos) << needs;
            EXPECT_NE(needs.find("乡村道路用地 in GTKJ-2023"), std::string::npos) << needs;
        }
    bool warned = false;
    for (const Issue& issue : issues.issues())
        warned = warned || issue.message.find("declare the layer's classification") !=
                               std::string::npos;
    EXPECT_TRUE(warned);
}

TEST(ComplianceSampleParkTest, ThePlanningRangeLeavesOnlyTheExpansionThatReachesPastIt)
{
    IssueList issues;
    const Park park = loadPark(discoverPark(kSample + "/park.gpkg"),
                               {{Role::Boundary, Role::Expansion, Role::Parcels}, {}}, issues);
    ComplianceSettings settings;
    settings.outsideBoundary.boundaryKind = "规划范围";
    std::set<std::int64_t> expansion;
    for (const Finding& f :
         ofRule(check(park, {ComplianceRule::OutsideBoundary}, settings), "outside_boundary"))
        if (f.layer == "expansion")
            expansion.insert(f.fids.front());
    EXPECT_EQ(expansion, (std::set<std::int64_t>{3})) << "东北港城片区";
}

TEST(ComplianceSampleParkTest, CancelStopsTheRun)
{
    IssueList issues;
    const Park park = loadPark(discoverPark(kSample + "/park.gpkg"), {{Role::Parcels}, {}}, issues);
    ComplianceOptions options;
    options.progress = [](double) { return false; };
    EXPECT_THROW(checkCompliance(park, options, issues), Cancelled);
}

// ---------------------------------------------------------------------------------------------
// The registry: one definition per rule, each reading its own keys

TEST(ComplianceRegistryTest, EveryRuleHasOneDefinitionUnderItsOwnIdAndRunsOnce)
{
    const auto& runOrder = complianceRuleRunOrder();
    ASSERT_EQ(runOrder.size(), allComplianceRules().size());
    for (ComplianceRule rule : allComplianceRules()) {
        const ComplianceRuleDefinition& definition = complianceRuleDefinition(rule);
        EXPECT_EQ(definition.rule, rule);
        EXPECT_STREQ(definition.id, toString(rule));
        EXPECT_EQ(complianceRuleFromString(definition.id), rule) << definition.id;
        EXPECT_EQ(std::count(runOrder.begin(), runOrder.end(), &definition), 1) << definition.id;
        EXPECT_TRUE(definition.enabled && definition.readSettings && definition.roles &&
                    definition.run)
            << definition.id;
    }
    EXPECT_EQ(runOrder.front()->rule, ComplianceRule::InvalidGeometry)
        << "validity runs first: the geometric rules use only valid features";
    EXPECT_FALSE(complianceRuleFromString("idle_stalled").has_value());
}

TEST(ComplianceSettingsTest, EveryRuleIsSwitchedOffByItsOwnKeyAndWarnsOfItsOwnWrongValues)
{
    std::string off = "{", wrong = "{";
    for (ComplianceRule rule : allComplianceRules()) {
        const std::string comma = off.size() > 1 ? "," : "";
        off += comma + "\"" + toString(rule) + "\": {\"enabled\": false}";
        wrong += comma + "\"" + toString(rule) + "\": {\"enabled\": 1}";
    }
    off += "}";
    wrong += "}";
    CPLJSONDocument document;
    ASSERT_TRUE(document.LoadMemory(off));
    IssueList issues;
    ComplianceSettings settings;
    settings.apply(document.GetRoot(), "off.json", issues);
    EXPECT_EQ(issues.count(Issue::Severity::Warning), 0u);
    for (ComplianceRule rule : allComplianceRules())
        EXPECT_FALSE(isEnabled(rule, settings)) << toString(rule);
    EXPECT_TRUE(rulesToRun({}, settings).empty());

    ASSERT_TRUE(document.LoadMemory(wrong));
    IssueList wrongIssues;
    ComplianceSettings defaults;
    defaults.apply(document.GetRoot(), "wrong.json", wrongIssues);
    EXPECT_EQ(wrongIssues.count(Issue::Severity::Warning), allComplianceRules().size());
    const std::vector<Issue> reported = wrongIssues.issues();
    for (ComplianceRule rule : allComplianceRules()) {
        EXPECT_TRUE(isEnabled(rule, defaults)) << toString(rule) << ": the wrong value is ignored";
        const std::string expected =
            std::string("rules.") + toString(rule) + ".enabled should be true or false (ignored)";
        EXPECT_TRUE(std::any_of(reported.begin(), reported.end(), [&](const Issue& issue) {
            return issue.message == expected;
        })) << expected;
    }

    ASSERT_TRUE(document.LoadMemory(R"({"intensity_below_standard": {"coverage_source": "sky"},
        "road_red_line": {"buffer_quadrant_segments": 8, "road_stages": ["在建"]},
        "intensity_below_standard ": {}})"));
    IssueList choiceIssues;
    ComplianceSettings chosen;
    chosen.apply(document.GetRoot(), "choice.json", choiceIssues);
    EXPECT_TRUE(chosen.intensityBelowStandard.coverageFromBuildings) << "unchanged";
    EXPECT_EQ(chosen.roadRedLine.quadrantSegments, 8);
    EXPECT_EQ(chosen.roadRedLine.roadStages, (std::vector<std::string>{"在建"}));
    const std::vector<Issue> choices = choiceIssues.issues();
    ASSERT_EQ(choices.size(), 2u);
    EXPECT_EQ(choices[0].message,
              "rules.intensity_below_standard.coverage_source should be \"buildings\" or "
              "\"built_area\" (ignored)");
    EXPECT_EQ(choices[1].message, "rules: unknown rule \"intensity_below_standard \" (ignored)");
}
