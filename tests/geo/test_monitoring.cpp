#include "geo/issue.h"
#include "geo/ledger/monitoring.h"
#include "geo/model/park.h"
#include "geo/units.h"

#include "tests/support/decimal_comma_locale.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/text_workbook.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>

using namespace parkatlas::geo;

namespace {

/// A rectangle feature with its attributes as text ("" = empty, unknown).
struct Feature {
    double x, y, w, h;
    std::map<std::string, std::string> fields;
};

void addRectangle(GeometryStore& store, double x, double y, double w, double h)
{
    store.beginFeature();
    store.beginPart();
    store.beginRing();
    store.addVertex(x, y);
    store.addVertex(x + w, y);
    store.addVertex(x + w, y + h);
    store.addVertex(x, y + h);
    store.addVertex(x, y);
    store.endFeature();
}

/// Adds a polygon layer of `role` to `park` with text fields `fields` (far_max as a number).
void addLayer(Park& park, Role role, const std::vector<std::string>& fields,
              const std::vector<Feature>& features)
{
    ParkLayer layer;
    layer.role = role;
    const auto built = std::make_shared<Layer>(); // filled here, shared by the park layer
    layer.layer = built;
    built->name = toString(role);
    built->sourcePath = "hand-made";
    built->crs = park.crs;
    built->geometry.setKind(GeometryKind::Polygon);
    std::vector<FieldDef> defs;
    for (const std::string& name : fields)
        defs.push_back({name, name == "far_max" || name == "floor_area" || name == "tax" ||
                                      name == "invested"
                                  ? FieldType::Real
                                  : FieldType::String});
    built->attributes.setFields(defs);
    for (std::size_t i = 0; i < features.size(); ++i) {
        const Feature& f = features[i];
        addRectangle(built->geometry, f.x, f.y, f.w, f.h);
        built->fids.push_back(static_cast<std::int64_t>(i + 1));
        for (std::size_t c = 0; c < fields.size(); ++c) {
            const auto it = f.fields.find(fields[c]);
            if (it == f.fields.end() || it->second.empty())
                built->attributes.setUnknown(static_cast<int>(c));
            else if (defs[c].type == FieldType::Real)
                built->attributes.setReal(static_cast<int>(c), std::stod(it->second));
            else
                built->attributes.setText(static_cast<int>(c), it->second);
        }
        built->attributes.commitRow();
    }
    layer.fieldIndex = resolveContractFields(role, layer.layer->attributes);
    park.layers.push_back(std::move(layer));
}

constexpr double kX = 500000, kY = 3375000;

/// The hand-made park of the formulas (all areas planar, so exact):
/// - 核准范围 1000 m × 1000 m (1 000 000 m²);
/// - nine plots of 100 m × 100 m along the south edge: P1 built M1 (floor 20000, a 5000 m²
///   building), P2 built R2 (floor 15000), P3 built B1 (floor 5000), P4 在建 M1 (an idle case
///   认定), P5 status unknown, P6 built with mon_class "A5 D1", P7 built M1 划拨 (floor 10000),
///   P8 built M1 出让 expired 2020 (floor 10000), P9 built M1 出让 to 2060 (floor 10000);
/// - a river (河道蓝线) 100 m × 1000 m along the east edge;
/// - batch 1 at 场平 (400 m × 500 m, north-west), half in an M1 zone (far_max 2), half in R2
///   (far_max 1.5); batch 2 at 报征 (400 m × 500 m) beside it, in no zone.
Park handMadePark()
{
    Park park;
    park.name = "hand-made";
    park.crs = Crs::fromEpsg(4547);
    addLayer(park, Role::Boundary, {"kind"}, {{kX, kY, 1000, 1000, {{"kind", "核准范围"}}}});
    const std::vector<std::string> plotFields = {"parcel_id", "status",   "land_use",
                                                 "floor_area", "supply_tp", "term_end",
                                                 "mon_class",  "tax",      "invested"};
    std::vector<Feature> plots;
    auto plot = [&](int i, std::map<std::string, std::string> fields) {
        fields["parcel_id"] = "P" + std::to_string(i);
        plots.push_back({kX + 100.0 * (i - 1), kY, 100, 100, std::move(fields)});
    };
    plot(1, {{"status", "已投产"}, {"land_use", "M1"}, {"floor_area", "20000"}});
    plot(2, {{"status", "已投产"}, {"land_use", "R2"}, {"floor_area", "15000"}});
    plot(3, {{"status", "竣工"}, {"land_use", "B1"}, {"floor_area", "5000"}});
    plot(4, {{"status", "在建"}, {"land_use", "M1"}});
    plot(5, {{"land_use", "M1"}});
    plot(6, {{"status", "已投产"}, {"land_use", "M1"}, {"mon_class", "A5 D1"}});
    plot(7, {{"status", "已投产"}, {"land_use", "M1"}, {"floor_area", "10000"},
             {"supply_tp", "划拨"}});
    plot(8, {{"status", "已投产"}, {"land_use", "M1"}, {"floor_area", "10000"},
             {"supply_tp", "出让"}, {"term_end", "2020-01-01"}});
    plot(9, {{"status", "已投产"}, {"land_use", "M1"}, {"floor_area", "10000"},
             {"supply_tp", "出让"}, {"term_end", "2060-12-31"}});
    addLayer(park, Role::Parcels, plotFields, plots);
    addLayer(park, Role::Buildings, {"floors"}, {{kX, kY, 100, 50, {{"floors", "2"}}}});
    addLayer(park, Role::Protected, {"kind"}, {{kX + 900, kY, 100, 1000, {{"kind", "河道蓝线"}}}});
    addLayer(park, Role::Acquisition, {"batch_id", "stage"},
             {{kX, kY + 500, 400, 500, {{"batch_id", "PC1"}, {"stage", "场平"}}},
              {kX + 400, kY + 500, 400, 500, {{"batch_id", "PC2"}, {"stage", "报征"}}}});
    addLayer(park, Role::PlanZones, {"zone_id", "land_use", "far_max"},
             {{kX, kY + 500, 200, 500, {{"zone_id", "Z1"}, {"land_use", "M1"}, {"far_max", "2"}}},
              {kX + 200, kY + 500, 200, 500,
               {{"zone_id", "Z2"}, {"land_use", "R2"}, {"far_max", "1.5"}}}});
    addLayer(park, Role::IdleLand, {"case_id", "parcel_id", "kind", "stage"},
             {{kX + 300, kY, 100, 100,
               {{"case_id", "X1"}, {"parcel_id", "P4"}, {"kind", "供而未用"}, {"stage", "认定"}}}});
    return park;
}

MonitoringOptions planarOptions()
{
    MonitoringOptions options;
    options.areaMethod = AreaMethod::Planar;
    options.statisticsDate = Date::fromYmd(2026, 12, 31);
    options.threads = 1;
    return options;
}

const MonitoringPlot& plotOf(const MonitoringReport& report, const std::string& id)
{
    for (const MonitoringPlot& plot : report.plots)
        if (plot.source == Role::Parcels && plot.id == id)
            return plot;
    throw std::runtime_error("no plot " + id);
}

const MonitoringFigure& figureOf(const MonitoringReport& report, const std::string& key)
{
    for (const MonitoringFigure& figure : report.figures)
        if (figure.key == key)
            return figure;
    throw std::runtime_error("no figure " + key);
}

bool hasMessage(const IssueList& issues, const std::string& id)
{
    for (const Issue& issue : issues.issues())
        if (issue.messageId == id)
            return true;
    return false;
}

Economy economyOf(std::map<std::string, double> values)
{
    Economy economy;
    economy.path = "economy.json";
    economy.values = std::move(values);
    return economy;
}

} // namespace

TEST(MonitoringTest, EveryPlotGetsTheClassItsStageDecides)
{
    IssueList issues;
    const MonitoringReport report =
        computeMonitoring(handMadePark(), 2026, planarOptions(), {}, issues);
    EXPECT_EQ(plotOf(report, "P1").landClass, "A2");
    EXPECT_EQ(plotOf(report, "P2").landClass, "A1");
    EXPECT_EQ(plotOf(report, "P3").landClass, "A3");
    // 在建: supplied, not built, ready for supply; its 认定 idle case makes it G.
    const MonitoringPlot& p4 = plotOf(report, "P4");
    EXPECT_EQ(p4.landClass, "B");
    EXPECT_EQ(p4.b1, "B11");
    EXPECT_EQ(p4.b2, "B21");
    EXPECT_TRUE(p4.idle);
    // No status: not classed, and said why.
    const MonitoringPlot& p5 = plotOf(report, "P5");
    EXPECT_EQ(p5.landClass, "");
    ASSERT_FALSE(p5.why.empty());
    EXPECT_EQ(p5.why.front().id, "monitor_status_unknown");
    EXPECT_TRUE(hasMessage(issues, "monitor_status_unknown"));
    // The field overrides: A5 and D1 although M1 with no supply type.
    EXPECT_EQ(plotOf(report, "P6").landClass, "A5");
    EXPECT_EQ(plotOf(report, "P6").supplyClass, "D1");
    EXPECT_TRUE(plotOf(report, "P6").overridden);
    EXPECT_EQ(plotOf(report, "P7").supplyClass, "D1");
    EXPECT_EQ(plotOf(report, "P8").supplyClass, "D22");
    EXPECT_EQ(plotOf(report, "P9").supplyClass, "D21");
    // No supply type: supplied (D), kind unknown, said.
    EXPECT_EQ(plotOf(report, "P1").supplyClass, "D");
    EXPECT_TRUE(hasMessage(issues, "monitor_supply_type_unknown"));
    // The land no plot covers.
    std::map<std::string, double> rest;
    for (const MonitoringPlot& plot : report.plots)
        if (plot.source != Role::Parcels)
            rest[plot.landClass + "/" + plot.b1 + "/" + plot.b2 + "/" + plot.supplyClass] +=
                plot.areaM2;
    EXPECT_DOUBLE_EQ(rest["C1///F"], 100000);
    EXPECT_DOUBLE_EQ(rest["B/B12/B21/E21"], 100000);
    EXPECT_DOUBLE_EQ(rest["B/B12/B21/E22"], 100000);
    EXPECT_DOUBLE_EQ(rest["B/B12/B22/E"], 200000 + 410000);
    // Land still to supply outside every plan zone: its kind (E1/E21/E22) is unknown, and why.
    bool saidNoZone = false;
    for (const MonitoringPlot& plot : report.plots)
        for (const Message& why : plot.why)
            saidNoZone = saidNoZone || (why.id == "monitor_no_plan_zone" && plot.supplyClass == "E");
    EXPECT_TRUE(saidNoZone);
}

TEST(MonitoringTest, AreasByClassAddUpToTheApprovedArea)
{
    IssueList issues;
    const MonitoringReport r = computeMonitoring(handMadePark(), 2026, planarOptions(), {}, issues);
    EXPECT_DOUBLE_EQ(r.areaM2("A"), 70000);
    EXPECT_DOUBLE_EQ(r.areaM2("A2"), 40000);
    EXPECT_DOUBLE_EQ(r.areaM2("A1"), 10000);
    EXPECT_DOUBLE_EQ(r.areaM2("B"), 820000);
    EXPECT_DOUBLE_EQ(r.areaM2("B11") + r.areaM2("B12"), r.areaM2("B"));
    EXPECT_DOUBLE_EQ(r.areaM2("B21") + r.areaM2("B22"), r.areaM2("B"));
    EXPECT_DOUBLE_EQ(r.areaM2("B21"), 210000);
    EXPECT_DOUBLE_EQ(r.areaM2("C1"), 100000);
    EXPECT_DOUBLE_EQ(r.unclassedLandM2, 10000);
    EXPECT_DOUBLE_EQ(r.areaM2("A") + r.areaM2("B") + r.areaM2("C") + r.unclassedLandM2, 1e6);
    EXPECT_DOUBLE_EQ(r.areaM2("D"), 90000);
    EXPECT_DOUBLE_EQ(r.areaM2("D1"), 20000);
    EXPECT_DOUBLE_EQ(r.areaM2("D2"), 20000);
    EXPECT_DOUBLE_EQ(r.areaM2("E"), 810000);
    EXPECT_DOUBLE_EQ(r.areaM2("E2"), 200000);
    EXPECT_DOUBLE_EQ(r.areaM2("F"), 100000);
    EXPECT_DOUBLE_EQ(r.areaM2("G"), 10000);
    EXPECT_DOUBLE_EQ(r.areaM2("D") + r.areaM2("E") + r.areaM2("F"), 1e6);
}

TEST(MonitoringTest, EveryFormulaAgreesWithTheHandComputedPark)
{
    IssueList issues;
    const Economy economy = economyOf({{"industrial_investment", 6000},
                                       {"tax_industry", 1200},
                                       {"tax_secondary", 1400},
                                       {"tax_tertiary", 700},
                                       {"population", 3500}});
    const MonitoringReport r =
        computeMonitoring(handMadePark(), 2026, planarOptions(), economy, issues);
    EXPECT_NEAR(figureOf(r, "land_development_rate").value, 100.0 * 280000 / 890000, 1e-9);
    EXPECT_NEAR(figureOf(r, "land_supply_rate").value, 100.0 * 90000 / 280000, 1e-9);
    EXPECT_NEAR(figureOf(r, "land_built_rate").value, 100.0 * 70000 / 90000, 1e-9);
    EXPECT_NEAR(figureOf(r, "industrial_land_rate").value, 100.0 * 40000 / 70000, 1e-9);
    // P6 has no floor area: left out of both sides.
    EXPECT_NEAR(figureOf(r, "floor_area_ratio").value, 70000.0 / 60000, 1e-12);
    EXPECT_FALSE(figureOf(r, "floor_area_ratio").unknowns.empty());
    EXPECT_NEAR(figureOf(r, "building_density").value, 100.0 * 5000 / 70000, 1e-9);
    EXPECT_NEAR(figureOf(r, "industrial_floor_area_ratio").value, 50000.0 / 40000, 1e-12);
    EXPECT_NEAR(figureOf(r, "industrial_building_coefficient").value, 12.5, 1e-9);
    // 6000 万元 over 4 ha (60 mu); 1200 over 4 ha; 2100 over 7 ha; 3500 people over 7 ha.
    EXPECT_NEAR(figureOf(r, "industrial_investment_intensity").value, 1500, 1e-9);
    EXPECT_NEAR(figureOf(r, "industrial_investment_intensity").valuePerMu, 100, 1e-9);
    EXPECT_NEAR(figureOf(r, "industrial_tax_per_area").value, 300, 1e-9);
    EXPECT_NEAR(figureOf(r, "idle_land_rate").value, 100.0 * 10000 / 90000, 1e-9);
    EXPECT_NEAR(figureOf(r, "tax_per_area").value, 300, 1e-9);
    EXPECT_NEAR(figureOf(r, "population_density").value, 500, 1e-9);
    EXPECT_EQ(r.zoneType, ZoneType::IndustryLed);
    // Potential: B21 and the floor area at far_max on the ready, unsupplied land.
    EXPECT_NEAR(r.floorPotentialM2, 2.0 * 100000 + 1.5 * 100000, 1e-6);
    EXPECT_EQ(r.floorPotentialCount, 2u);
}

TEST(MonitoringTest, UnknownEconomyFigureMakesItsIndicatorUnknownNotZero)
{
    IssueList issues;
    const MonitoringReport r = computeMonitoring(
        handMadePark(), 2026, planarOptions(), economyOf({{"tax_industry", std::nan("")}}),
        issues);
    EXPECT_TRUE(std::isnan(figureOf(r, "industrial_tax_per_area").value));
    EXPECT_TRUE(std::isnan(figureOf(r, "population_density").value));
    EXPECT_FALSE(figureOf(r, "population_density").unknowns.empty());
}

TEST(MonitoringTest, ChangeFromTheYearBeforeIsInPercentagePoints)
{
    IssueList issues;
    Park before = handMadePark();
    const MonitoringReport previous =
        computeMonitoring(before, 2025, planarOptions(), {}, issues);
    const MonitoringReport now =
        computeMonitoring(handMadePark(), 2026, planarOptions(), {}, issues, &previous);
    const MonitoringFigure& built = figureOf(now, "land_built_rate");
    EXPECT_DOUBLE_EQ(built.previous, figureOf(previous, "land_built_rate").value);
    EXPECT_DOUBLE_EQ(built.change, 0.0);
    const MonitoringReport alone =
        computeMonitoring(handMadePark(), 2026, planarOptions(), {}, issues);
    EXPECT_TRUE(std::isnan(figureOf(alone, "land_built_rate").change));
}

TEST(MonitoringTest, AnOverrideThatNamesNoClassIsReportedAndIgnored)
{
    IssueList issues;
    // A one-plot park whose override names "A9", which is no class.
    Park small;
    small.name = "small";
    small.crs = Crs::fromEpsg(4547);
    addLayer(small, Role::Parcels, {"parcel_id", "status", "land_use", "mon_class"},
             {{kX, kY, 100, 100,
               {{"parcel_id", "Q1"}, {"status", "已投产"}, {"land_use", "M1"},
                {"mon_class", "A9"}}}});
    const MonitoringReport r = computeMonitoring(small, 2026, planarOptions(), {}, issues);
    EXPECT_EQ(plotOf(r, "Q1").landClass, "A2");
    EXPECT_FALSE(plotOf(r, "Q1").overridden);
    EXPECT_TRUE(hasMessage(issues, "monitor_override_unknown"));
}

TEST(MonitoringZoneTypeTest, ThresholdsAtTheirEdges)
{
    EXPECT_EQ(zoneTypeOf(30.0001, 24.9999), ZoneType::IndustryLed);
    EXPECT_EQ(zoneTypeOf(30.0, 24.9999), ZoneType::Other) << "30 % is not more than 30 %";
    EXPECT_EQ(zoneTypeOf(30.0, 25.0), ZoneType::IndustryCity) << "≤ 30 % and ≥ 25 %";
    EXPECT_EQ(zoneTypeOf(30.0001, 25.0), ZoneType::Other) << "25 % is not less than 25 %";
    EXPECT_EQ(zoneTypeOf(10, 60), ZoneType::IndustryCity);
    EXPECT_EQ(zoneTypeOf(80, 0), ZoneType::IndustryLed);
    EXPECT_EQ(zoneTypeOf(std::nan(""), 10), ZoneType::Other);
}

TEST(MonitoringZoneTypeTest, ParkExactlyAtThirtyAndTwentyFivePercentIsIndustryCity)
{
    // A = 100000 m²: A2 30000, A1 25000, A3 45000 (planar, exact).
    auto parkWith = [](double industrialWidth, double residentialWidth) {
        Park park;
        park.name = "edge";
        park.crs = Crs::fromEpsg(4547);
        const double rest = 1000 - industrialWidth - residentialWidth;
        addLayer(park, Role::Parcels, {"parcel_id", "status", "land_use"},
                 {{kX, kY, industrialWidth, 100,
                   {{"parcel_id", "I"}, {"status", "已投产"}, {"land_use", "M1"}}},
                  {kX + industrialWidth, kY, residentialWidth, 100,
                   {{"parcel_id", "R"}, {"status", "已投产"}, {"land_use", "R2"}}},
                  {kX + industrialWidth + residentialWidth, kY, rest, 100,
                   {{"parcel_id", "B"}, {"status", "已投产"}, {"land_use", "B1"}}}});
        return park;
    };
    IssueList issues;
    const auto typeOf = [&](double industrialWidth, double residentialWidth) {
        return computeMonitoring(parkWith(industrialWidth, residentialWidth), 2026,
                                 planarOptions(), {}, issues)
            .zoneType;
    };
    EXPECT_EQ(typeOf(300, 250), ZoneType::IndustryCity);
    EXPECT_EQ(typeOf(301, 249), ZoneType::IndustryLed);
    EXPECT_EQ(typeOf(300, 249), ZoneType::Other);
    EXPECT_EQ(typeOf(301, 250), ZoneType::Other);
}

TEST(MonitoringEconomyTest, BadFiguresAreNamedAndLeftUnknown)
{
    const auto dir = parkatlas::test::scratch("monitoring_economy");
    const std::string path = (dir / "economy.json").string();
    std::ofstream(path) << R"({"year": 2026, "figures": {"population": 52000, "tax_industry": -5,
        "tax_secondary": "xx", "fixed_investmnt": 100, "tax_tertiary": "abc",
        "工业企业税收": 7}})";
    IssueList issues;
    const Economy economy = readEconomy(path, issues);
    EXPECT_EQ(economy.year, std::optional<int>(2026));
    EXPECT_DOUBLE_EQ(economy.value("population"), 52000);
    // The Chinese name of tax_industry comes after its negative value: the last one holds.
    EXPECT_DOUBLE_EQ(economy.value("tax_industry"), 7);
    EXPECT_TRUE(std::isnan(economy.value("tax_secondary")));
    EXPECT_TRUE(std::isnan(economy.value("tax_tertiary")));
    EXPECT_TRUE(std::isnan(economy.value("fixed_investment")));
    std::map<std::string, std::string> said;
    for (const Issue& issue : issues.issues()) {
        EXPECT_EQ(issue.path, path);
        said[issue.messageId] = issue.message;
    }
    EXPECT_NE(said["economy_unknown_key"].find("fixed_investmnt"), std::string::npos);
    EXPECT_NE(said["economy_negative"].find("tax_industry"), std::string::npos);
    EXPECT_NE(said["economy_masked"].find("tax_secondary"), std::string::npos);
    EXPECT_NE(said["economy_not_number"].find("tax_tertiary"), std::string::npos);
}

TEST(MonitoringEconomyTest, WorkbookWithKeyAndValueColumns)
{
    const auto dir = parkatlas::test::scratch("monitoring_economy_xlsx");
    const std::string path = (dir / "economy.xlsx").string();
    ASSERT_NO_FATAL_FAILURE(parkatlas::test::writeTextWorkbook(
        path, "economy", {"项目", "数值"},
        {{"常住人口", "41000"}, {"tax_industry", "**"}, {"year", "2026"}, {"人均", "3"}}));
    IssueList issues;
    const Economy economy = readEconomy(path, issues);
    EXPECT_DOUBLE_EQ(economy.value("population"), 41000);
    EXPECT_TRUE(std::isnan(economy.value("tax_industry")));
    EXPECT_EQ(economy.year, std::optional<int>(2026));
    EXPECT_TRUE(hasMessage(issues, "economy_masked"));
    EXPECT_TRUE(hasMessage(issues, "economy_unknown_key"));
}

TEST(MonitoringEconomyTest, WorkbookFiguresReadTheSameUnderADecimalCommaLocale)
{
    // A workbook's cells come as text ("41000.5"): under a decimal-comma LC_NUMERIC (what Qt
    // sets from the environment) strtod read that as 41000 and "unknown"; from_chars does not.
    const auto dir = parkatlas::test::scratch("monitoring_economy_locale");
    const std::string path = (dir / "economy.xlsx").string();
    ASSERT_NO_FATAL_FAILURE(parkatlas::test::writeTextWorkbook(
        path, "economy", {"项目", "数值"}, {{"常住人口", "41000.5"}, {"year", "2026"}}));
    const parkatlas::test::DecimalCommaLocale locale;
    ASSERT_TRUE(locale.active()) << "no decimal-comma locale: run scripts/setup";
    IssueList issues;
    const Economy economy = readEconomy(path, issues);
    EXPECT_DOUBLE_EQ(economy.value("population"), 41000.5);
    EXPECT_EQ(economy.year, std::optional<int>(2026));
    EXPECT_FALSE(hasMessage(issues, "economy_not_number"));
}

TEST(MonitoringTest, LedgerHasTheReportsTablesInOrder)
{
    IssueList issues;
    const MonitoringReport r = computeMonitoring(handMadePark(), 2026, planarOptions(), {}, issues);
    const Ledger ledger = monitoringLedger(r, true, true);
    std::vector<std::string> ids;
    for (const LedgerTable& table : ledger.tables)
        ids.push_back(table.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"land", "supply", "buildings", "economy",
                                             "indicators", "potential", "plots"}));
    EXPECT_EQ(ledger.tables[0].columns[2].header, "面积（亩）");
    // The land table's total is the approved area: 1500 mu.
    const auto shown = ledger.tables[0].shown();
    EXPECT_EQ(shown.back()[2], "1500.00");
}

namespace {

/// Adds a roads layer (centre lines) to `park`: each road a straight line with its stage and
/// width_m ("" = unknown).
struct Road {
    double x0, y0, x1, y1;
    std::string name, stage, width;
};
void addRoads(Park& park, const std::vector<Road>& roads)
{
    ParkLayer layer;
    layer.role = Role::Roads;
    const auto roadsLayer = std::make_shared<Layer>(); // filled here, shared by the park
    layer.layer = roadsLayer;
    roadsLayer->name = "roads";
    roadsLayer->sourcePath = "hand-made";
    roadsLayer->crs = park.crs;
    roadsLayer->geometry.setKind(GeometryKind::Line);
    roadsLayer->attributes.setFields(
        {{"name", FieldType::String}, {"stage", FieldType::String}, {"width_m", FieldType::Real}});
    for (std::size_t i = 0; i < roads.size(); ++i) {
        const Road& r = roads[i];
        roadsLayer->geometry.beginFeature();
        roadsLayer->geometry.beginPart();
        roadsLayer->geometry.beginRing();
        roadsLayer->geometry.addVertex(r.x0, r.y0);
        roadsLayer->geometry.addVertex(r.x1, r.y1);
        roadsLayer->geometry.endFeature();
        roadsLayer->fids.push_back(static_cast<std::int64_t>(i + 1));
        roadsLayer->attributes.setText(0, r.name);
        roadsLayer->attributes.setText(1, r.stage);
        if (r.width.empty())
            roadsLayer->attributes.setUnknown(2);
        else
            roadsLayer->attributes.setReal(2, std::stod(r.width));
        roadsLayer->attributes.commitRow();
    }
    layer.fieldIndex = resolveContractFields(Role::Roads, roadsLayer->attributes);
    park.layers.push_back(std::move(layer));
}

/// The area GEOS gives a straight centre line of `length` buffered by `half` (8 segments a
/// quarter circle: the two round caps make a 32-gon).
double bufferedM2(double length, double half)
{
    return length * 2 * half + 16 * half * half * std::sin(2 * M_PI / 32);
}

} // namespace

// Issue 26: land of the approved area that no plot covers but a road does is the road's: built
// (竣工) → A5 交通运输用地, being built (在建) → B11/B21, both supplied by 划拨 (D1); earlier
// stages leave the land to the batches and the plan; the part of a road over a plot stays the
// plot's; a road of unknown width is named.
TEST(MonitoringRoadsTest, BuiltRoadsWithNoPlotAreA5AndRoadsBeingBuiltAreB)
{
    IssueList quiet;
    const MonitoringReport without =
        computeMonitoring(handMadePark(), 2026, planarOptions(), {}, quiet);
    Park park = handMadePark();
    addRoads(park, {{kX + 100, kY + 300, kX + 700, kY + 300, "纬一路", "竣工", "20"},
                    {kX + 500, kY + 150, kX + 500, kY + 250, "经二路", "在建", "10"},
                    {kX + 100, kY + 700, kX + 700, kY + 700, "纬三路", "规划", "20"},
                    {kX + 50, kY + 50, kX + 250, kY + 50, "园内路", "竣工", "20"},
                    {kX + 100, kY + 400, kX + 700, kY + 400, "纬二路", "竣工", ""}});
    IssueList issues;
    const MonitoringReport r = computeMonitoring(park, 2026, planarOptions(), {}, issues);
    const double built = bufferedM2(600, 10), building = bufferedM2(100, 5);
    // (P6 is A5 by its mon_class already.)
    EXPECT_NEAR(r.areaM2("A5") - without.areaM2("A5"), built, 1e-6)
        << "纬一路; 园内路 lies on plots";
    EXPECT_EQ(r.countByClass.at("A5"), without.countByClass.at("A5") + 1);
    EXPECT_NEAR(r.areaM2("B11") - without.areaM2("B11"), building, 1e-6);
    EXPECT_NEAR(r.areaM2("B21") - without.areaM2("B21"), building, 1e-6);
    EXPECT_NEAR(r.areaM2("D1") - without.areaM2("D1"), built + building, 1e-6);
    EXPECT_NEAR(r.areaM2("B22") - without.areaM2("B22"), -(built + building), 1e-6)
        << "the roads' land was the rest (no batch, not acquired)";
    EXPECT_NEAR(r.areaM2("A") + r.areaM2("B") + r.areaM2("C") + r.unclassedLandM2,
                without.areaM2("A") + without.areaM2("B") + without.areaM2("C") +
                    without.unclassedLandM2,
                1e-6)
        << "the approved area is still split with nothing counted twice";
    EXPECT_NEAR(r.areaM2("A2"), without.areaM2("A2"), 1e-9) << "the plots are untouched";
    EXPECT_TRUE(hasMessage(issues, "monitor_road_width_unknown"));
    bool roadPiece = false;
    for (const MonitoringPlot& plot : r.plots)
        if (plot.source == Role::Roads && plot.id == "纬一路") {
            roadPiece = true;
            EXPECT_EQ(plot.landClass, "A5");
            EXPECT_EQ(plot.supplyClass, "D1");
            EXPECT_EQ(plot.floorAreaM2, 0) << "a road carries no floor area";
        }
    EXPECT_TRUE(roadPiece);
    // 综合容积率 = 总建筑面积 / A: the road is in A with no floor area.
    const MonitoringFigure& far = figureOf(r, "floor_area_ratio");
    EXPECT_NEAR(far.value, figureOf(without, "floor_area_ratio").value *
                               without.floorAKnownM2 / (without.floorAKnownM2 + built),
                1e-9);
}

// The overlay runs on several workers: the pieces, their order and their classes do not depend
// on how many.
TEST(MonitoringTest, OneWorkerAndThreeGiveTheSamePieces)
{
    Park park = handMadePark();
    addRoads(park, {{kX + 100, kY + 300, kX + 700, kY + 300, "纬一路", "竣工", "20"},
                    {kX + 150, kY + 450, kX + 150, kY + 800, "经一路", "在建", "16"}});
    IssueList issues;
    MonitoringOptions one = planarOptions();
    MonitoringOptions three = planarOptions();
    three.threads = 3;
    const MonitoringReport a = computeMonitoring(park, 2026, one, {}, issues);
    const MonitoringReport b = computeMonitoring(park, 2026, three, {}, issues);
    ASSERT_EQ(a.plots.size(), b.plots.size());
    for (std::size_t i = 0; i < a.plots.size(); ++i) {
        EXPECT_EQ(a.plots[i].source, b.plots[i].source) << i;
        EXPECT_EQ(a.plots[i].row, b.plots[i].row) << i;
        EXPECT_EQ(a.plots[i].landClass, b.plots[i].landClass) << i;
        EXPECT_EQ(a.plots[i].supplyClass, b.plots[i].supplyClass) << i;
        EXPECT_EQ(a.plots[i].zoneId, b.plots[i].zoneId) << i;
        EXPECT_DOUBLE_EQ(a.plots[i].areaM2, b.plots[i].areaM2) << i;
    }
    EXPECT_EQ(a.areaM2ByClass, b.areaM2ByClass);
}
