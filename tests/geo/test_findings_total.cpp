#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/measure/area.h"
#include "geo/parallel.h"
#include "geo/rules/audit.h"
#include "geo/rules/audit_rules.h"
#include "geo/rules/compliance.h"
#include "geo/rules/findings_total.h"
#include "geo/units.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>

using namespace parkatlas::geo;

namespace {

constexpr double kX = 500000, kY = 3375000; // EPSG:4547, near its central meridian

/// A rectangle as ISO WKB (OGR writes it, not the code under test).
std::vector<unsigned char> rectangleWkb(double x0, double y0, double x1, double y1)
{
    OGRPolygon polygon;
    OGRLinearRing ring;
    ring.addPoint(kX + x0, kY + y0);
    ring.addPoint(kX + x1, kY + y0);
    ring.addPoint(kX + x1, kY + y1);
    ring.addPoint(kX + x0, kY + y1);
    ring.closeRings();
    polygon.addRing(&ring);
    std::vector<unsigned char> wkb(polygon.WkbSize());
    polygon.exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    return wkb;
}

/// Ellipsoidal mu of a rectangle, as a rule measures the part it flags.
double rectangleMu(double x0, double y0, double x1, double y1)
{
    GeometryStore store;
    store.setKind(GeometryKind::Polygon);
    const auto wkb = rectangleWkb(x0, y0, x1, y1);
    EXPECT_TRUE(store.appendWkb(wkb.data(), wkb.size()));
    AreaCalculator area(Crs::fromEpsg(4547));
    return muFromM2(area.areaM2(store, 0));
}

/// A finding of one rectangle measured with `area` (one calculator for a grid of hundreds:
/// finding() makes one each).
Finding rectangleFinding(AreaCalculator& area, std::string rule, std::int64_t fid, double x0,
                         double y0, double x1, double y1)
{
    Finding f;
    f.rule = std::move(rule);
    f.layer = "parcels";
    f.fids = {fid};
    f.geometryWkb = rectangleWkb(x0, y0, x1, y1);
    GeometryStore store(GeometryKind::Polygon);
    EXPECT_TRUE(store.appendWkb(f.geometryWkb.data(), f.geometryWkb.size()));
    f.areaMu = muFromM2(area.areaM2(store, 0));
    return f;
}

Finding finding(std::string rule, std::int64_t fid, double x0, double y0, double x1, double y1)
{
    Finding f;
    f.rule = std::move(rule);
    f.layer = "parcels";
    f.fids = {fid};
    f.areaMu = rectangleMu(x0, y0, x1, y1);
    f.geometryWkb = rectangleWkb(x0, y0, x1, y1);
    return f;
}

std::vector<std::size_t> all(const std::vector<Finding>& findings)
{
    std::vector<std::size_t> indices(findings.size());
    for (std::size_t i = 0; i < indices.size(); ++i)
        indices[i] = i;
    return indices;
}

/// The clustered pattern of the totals' tests: an n × n grid of 40 m plots, `dx`, `dy` metres
/// from (kX, kY), each a land_use_mismatch (but where row + column ≡ 1 mod 4) and a
/// road_red_line piece over its north edge into the next row's plot (the rows chain), with
/// `protectedInside` a protected_overlap piece inside it (covered by it); then pairs of
/// works_on_unacquired_land strips across the grid: along row stripRows[i], along column
/// stripColumns[i], each overlapping a run of plots.
std::vector<Finding> clusteredGrid(AreaCalculator& area, int n, const std::vector<int>& stripRows,
                                   const std::vector<int>& stripColumns,
                                   bool protectedInside = false, double dx = 0, double dy = 0)
{
    std::vector<Finding> findings;
    std::int64_t fid = 0;
    auto rectangle = [&](const char* rule, double x0, double y0, double x1, double y1) {
        findings.push_back(
            rectangleFinding(area, rule, fid, dx + x0, dy + y0, dx + x1, dy + y1));
    };
    for (int row = 0; row < n; ++row)
        for (int column = 0; column < n; ++column, ++fid) {
            const double x = column * 40.0, y = row * 40.0;
            if ((row + column) % 4 != 1)
                rectangle("land_use_mismatch", x, y, x + 40, y + 40);
            rectangle("road_red_line", x + 5, y + 30, x + 35, y + 45);
            if (protectedInside)
                rectangle("protected_overlap", x + 8, y + 4, x + 20, y + 16);
        }
    const double across = n * 40.0 - 10;
    for (std::size_t i = 0; i < std::max(stripRows.size(), stripColumns.size()); ++i) {
        if (i < stripRows.size()) {
            const double at = stripRows[i] * 40.0 + 18;
            rectangle("works_on_unacquired_land", 10, at, across, at + 6);
            ++fid;
        }
        if (i < stripColumns.size()) {
            const double at = stripColumns[i] * 40.0 + 18;
            rectangle("works_on_unacquired_land", at, 10, at + 6, across);
            ++fid;
        }
    }
    return findings;
}

/// Every fifth of n rows or columns, from the first.
std::vector<int> everyFifth(int n)
{
    std::vector<int> picked;
    for (int k = 0; k < n; k += 5)
        picked.push_back(k);
    return picked;
}

} // namespace

TEST(FindingsTotalTest, APlotUnderSeveralRulesCountsOnceAndOverlapsCountTheirUnion)
{
    // Plot 1 (100 m × 100 m) breaks two rules with the whole plot; an expansion zone (fid 9)
    // overlaps its east half and reaches 50 m beyond it; plot 2 lies apart; plot 3 cannot be
    // decided.
    const std::vector<Finding> findings = {
        finding("land_use_mismatch", 1, 0, 0, 100, 100),
        finding("land_use_mismatch", 2, 300, 0, 400, 100),
        finding("intensity_below_standard", 1, 0, 0, 100, 100),
        finding("outside_boundary", 9, 50, 0, 150, 100),
        finding(kCannotDecide, 3, 600, 0, 700, 100),
    };
    const Crs crs = Crs::fromEpsg(4547);
    const FindingsTotals totals = totalsOfFindings(findings, crs);

    const double plot1 = rectangleMu(0, 0, 100, 100);
    const double plot2 = rectangleMu(300, 0, 400, 100);
    const double zone = rectangleMu(50, 0, 150, 100);
    const double plot1AndZone = rectangleMu(0, 0, 150, 100); // their union, drawn by hand
    const double plot3 = rectangleMu(600, 0, 700, 100);

    // The measured total: plot 1 once, the zone's union with it, plot 2; not plot 3.
    EXPECT_EQ(totals.measured.findings, 4u);
    EXPECT_EQ(totals.measured.features, 3u);
    EXPECT_NEAR(totals.measured.areaMu, plot1AndZone + plot2, 1e-9);
    EXPECT_NEAR(totals.measured.summedMu, 2 * plot1 + zone + plot2, 1e-9);
    EXPECT_EQ(totals.measured.countedOnce, 2u);
    EXPECT_TRUE(totals.measured.hasOverlaps());

    // Per rule: plots side by side keep their own areas, unchanged (no overlap, exact sum).
    const FindingsTotal& mismatch = totals.of("land_use_mismatch");
    EXPECT_EQ(mismatch.findings, 2u);
    EXPECT_EQ(mismatch.areaMu, findings[0].areaMu + findings[1].areaMu);
    EXPECT_FALSE(mismatch.hasOverlaps());
    EXPECT_EQ(totals.of("outside_boundary").areaMu, findings[3].areaMu);

    // cannot_decide apart, never in the measured total.
    EXPECT_EQ(totals.undecided.findings, 1u);
    EXPECT_NEAR(totals.undecided.areaMu, plot3, 1e-12);
    EXPECT_EQ(totals.of(kCannotDecide).findings, 1u);
    EXPECT_LT(totals.measured.areaMu + 1.0, totals.measured.summedMu + plot3);

    // Rules in the order they first appear.
    ASSERT_EQ(totals.byRule.size(), 4u);
    EXPECT_EQ(totals.byRule[0].rule, "land_use_mismatch");
    EXPECT_EQ(totals.byRule[3].rule, kCannotDecide);
}

TEST(FindingsTotalTest, PlotsThatOnlyTouchAreNotMerged)
{
    const std::vector<Finding> findings = {finding("a", 1, 0, 0, 100, 100),
                                           finding("b", 2, 100, 0, 200, 100),
                                           finding("b", 3, 100, 100, 200, 200)};
    const FindingsTotal total = totalOfFindings(findings, all(findings), Crs::fromEpsg(4547));
    EXPECT_EQ(total.areaMu, findings[0].areaMu + findings[1].areaMu + findings[2].areaMu);
    EXPECT_EQ(total.countedOnce, 0u);
}

TEST(FindingsTotalTest, FindingsWithoutGeometryCountOncePerFeature)
{
    Finding lone;
    lone.rule = "low_efficiency";
    lone.layer = "parcels";
    lone.fids = {7};
    lone.areaMu = 12.5;
    Finding again = lone;
    again.rule = "idle_not_started";
    again.areaMu = 12.0;
    Finding line;
    line.rule = "works_on_unacquired_land";
    line.layer = "roads";
    line.fids = {4};
    // Plot 1 once with its geometry and once without: the geometry counts, once.
    Finding plotNoGeometry = finding("x", 1, 0, 0, 100, 100);
    plotNoGeometry.geometryWkb.clear();
    const std::vector<Finding> findings = {lone, again, line, finding("y", 1, 0, 0, 100, 100),
                                           plotNoGeometry};
    const FindingsTotal total = totalOfFindings(findings, all(findings), Crs::fromEpsg(4547));
    EXPECT_EQ(total.findings, 5u);
    EXPECT_EQ(total.withoutArea, 1u);
    EXPECT_EQ(total.features, 3u);
    EXPECT_NEAR(total.areaMu, 12.5 + rectangleMu(0, 0, 100, 100), 1e-12);
    EXPECT_EQ(total.countedOnce, 2u);
}

TEST(FindingsTotalTest, NoAreaIsUnknownNotZero)
{
    Finding id;
    id.rule = "duplicate_id";
    id.layer = "parcels";
    id.fids = {1, 2};
    const FindingsTotal total = totalOfFindings({id}, std::vector<std::size_t>{0}, Crs());
    EXPECT_TRUE(std::isnan(total.areaMu));
    EXPECT_EQ(total.withoutArea, 1u);
    EXPECT_EQ(total.features, 2u);
}

namespace {

/// The union of the polygonal findings' geometries measured by OGR in the plane (EPSG:4547 is
/// within ~1e-6 of the ellipsoid here, data/sample/README.md).
/// The union of the polygonal findings' geometries (not of `skipRule`), made by OGR.
std::unique_ptr<OGRGeometry> ogrUnion(const std::vector<Finding>& findings,
                                      const std::string& skipRule)
{
    OGRMultiPolygon parts;
    for (const Finding& f : findings) {
        if (f.rule == skipRule || std::isnan(f.areaMu) || f.geometryWkb.empty())
            continue;
        OGRGeometry* geometry = nullptr;
        if (OGRGeometryFactory::createFromWkb(f.geometryWkb.data(), nullptr, &geometry,
                                              f.geometryWkb.size()) != OGRERR_NONE)
            continue;
        const auto type = wkbFlatten(geometry->getGeometryType());
        if (type == wkbPolygon)
            parts.addGeometryDirectly(geometry);
        else if (type == wkbMultiPolygon) {
            for (const OGRPolygon* p : *geometry->toMultiPolygon())
                parts.addGeometry(p);
            delete geometry;
        } else
            delete geometry;
    }
    return std::unique_ptr<OGRGeometry>(parts.UnionCascaded());
}

double ogrUnionMu(const std::vector<Finding>& findings, const std::string& skipRule)
{
    return muFromM2(ogrUnion(findings, skipRule)->toMultiPolygon()->get_Area());
}

} // namespace

TEST(FindingsTotalTest, TheSampleChecksTotalIsTheUnionOfItsFindings)
{
    IssueList issues;
    const ParkDefinition definition =
        discoverPark(std::string(PARKATLAS_SAMPLE_DIR) + "/park.gpkg");
    const Park park = loadPark(definition, {}, issues);
    ComplianceOptions options;
    options.settings = ComplianceSettings::load(definition.projectPath, issues);
    const ComplianceResult result = checkCompliance(park, options, issues);
    const FindingsTotals totals = totalsOfFindings(result.findings, park.crs);
    // The expansion zones are flagged by several rules: the plain sum counts them again.
    std::map<std::int64_t, std::set<std::string>> expansionRules;
    for (const Finding& f : result.findings)
        if (f.layer == "expansion" && !std::isnan(f.areaMu))
            expansionRules[f.fids.front()].insert(f.rule);
    bool severalRules = false;
    for (const auto& [fid, rules] : expansionRules)
        severalRules |= rules.size() > 1;
    EXPECT_TRUE(severalRules);
    EXPECT_TRUE(totals.measured.hasOverlaps());
    EXPECT_LT(totals.measured.areaMu, totals.measured.summedMu - 1.0);
    EXPECT_NEAR(totals.measured.areaMu, ogrUnionMu(result.findings, kCannotDecide),
                1e-5 * totals.measured.areaMu);
    for (const RuleTotal& rule : totals.byRule) {
        double sum = 0;
        for (const Finding& f : result.findings)
            if (f.rule == rule.rule && !std::isnan(f.areaMu))
                sum += f.areaMu;
        // A rule's land is at most its findings' sum, and exactly it when nothing overlaps.
        if (rule.total.hasOverlaps()) {
            EXPECT_LT(rule.total.areaMu, sum) << rule.rule;
        } else if (rule.total.withArea > 0) {
            EXPECT_EQ(rule.total.areaMu, sum) << rule.rule;
        }
    }
}

TEST(FindingsTotalTest, TheSampleAuditCountsAPlotOnceAndCannotDecideApart)
{
    IssueList issues;
    const ParkDefinition definition =
        discoverPark(std::string(PARKATLAS_SAMPLE_DIR) + "/park.gpkg");
    const Park park = loadPark(definition, {{Role::Parcels, Role::Buildings}, {}}, issues);
    // As of the day the bug was seen (QL2024-014 is both not started and barely covered), and
    // two years on (more plots under two rules, the bow-tie plot under one rule and
    // cannot_decide).
    for (const char* asOf : {"2026-12-04", "2028-06-30"}) {
        AuditOptions options;
        options.asOf = *Date::parse(asOf);
        options.rules = loadAuditRules(definition.projectPath, issues);
        const AuditResult result = runAudit(park, options, issues);
        const FindingsTotals totals = totalsOfFindings(result.findings, park.crs);

        // Independently: each flagged plot's area once, cannot_decide left out.
        std::map<std::int64_t, double> plots, undecided;
        std::size_t findingsWithArea = 0;
        for (const Finding& f : result.findings) {
            if (std::isnan(f.areaMu))
                continue;
            (f.rule == kCannotDecide ? undecided : plots)[f.fids.front()] = f.areaMu;
            findingsWithArea += f.rule == kCannotDecide ? 0 : 1;
        }
        ASSERT_LT(plots.size(), findingsWithArea) << asOf << ": a plot under two audit rules";
        double plotsMu = 0;
        for (const auto& [fid, mu] : plots)
            plotsMu += mu;
        EXPECT_NEAR(totals.measured.areaMu, plotsMu, 1e-9 * plotsMu) << asOf;
        EXPECT_LT(totals.measured.areaMu, totals.measured.summedMu) << asOf;
        EXPECT_EQ(totals.measured.countedOnce, findingsWithArea - plots.size()) << asOf;
        EXPECT_EQ(totals.measured.features, plots.size()) << asOf;
        EXPECT_FALSE(undecided.empty());
        EXPECT_EQ(totals.undecided.features, undecided.size()) << asOf;
    }
}

namespace {

/// Sets PARKATLAS_THREADS for the life of the guard (each case runs in a process of its own).
class ThreadsGuard {
public:
    explicit ThreadsGuard(const char* value) { ::setenv(kThreadsVariable, value, 1); }
    ~ThreadsGuard() { ::unsetenv(kThreadsVariable); }
};

/// Every figure of two totals, exactly.
void expectSameTotal(const FindingsTotal& a, const FindingsTotal& b, const std::string& what)
{
    EXPECT_EQ(a.findings, b.findings) << what;
    EXPECT_EQ(a.features, b.features) << what;
    EXPECT_EQ(a.withArea, b.withArea) << what;
    EXPECT_EQ(a.withoutArea, b.withoutArea) << what;
    EXPECT_EQ(a.countedOnce, b.countedOnce) << what;
    if (std::isnan(a.areaMu) || std::isnan(b.areaMu)) {
        EXPECT_EQ(std::isnan(a.areaMu), std::isnan(b.areaMu)) << what;
    } else {
        EXPECT_EQ(a.areaMu, b.areaMu) << what; // to the last digit
        EXPECT_EQ(a.summedMu, b.summedMu) << what;
    }
}

/// totalsOfFindings (its totals side by side on two workers) against each total taken alone,
/// one after another, on one thread: the reference.
void expectTotalsAreTheOneByOneTotals(const std::vector<Finding>& findings, const Crs& crs)
{
    FindingsTotals sideBySide;
    {
        const ThreadsGuard twoWorkers("2");
        sideBySide = totalsOfFindings(findings, crs);
    }
    std::vector<std::string> rules;
    std::vector<std::size_t> measured;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        if (std::find(rules.begin(), rules.end(), findings[i].rule) == rules.end())
            rules.push_back(findings[i].rule);
        if (findings[i].rule != kCannotDecide)
            measured.push_back(i);
    }
    ASSERT_EQ(sideBySide.byRule.size(), rules.size());
    for (std::size_t r = 0; r < rules.size(); ++r) {
        EXPECT_EQ(sideBySide.byRule[r].rule, rules[r]);
        std::vector<std::size_t> ofRule;
        for (std::size_t i = 0; i < findings.size(); ++i)
            if (findings[i].rule == rules[r])
                ofRule.push_back(i);
        expectSameTotal(sideBySide.byRule[r].total, totalOfFindings(findings, ofRule, crs),
                        rules[r]);
    }
    expectSameTotal(sideBySide.measured, totalOfFindings(findings, measured, crs), "measured");
    expectSameTotal(sideBySide.undecided, sideBySide.of(kCannotDecide), "cannot_decide");
}

} // namespace

TEST(FindingsTotalTest, TotalsSideBySideAreTheOneByOneTotalsOnTheSampleAndASyntheticGrid)
{
    IssueList issues;
    const ParkDefinition definition =
        discoverPark(std::string(PARKATLAS_SAMPLE_DIR) + "/park.gpkg");
    const Park park = loadPark(definition, {}, issues);
    ComplianceOptions options;
    options.settings = ComplianceSettings::load(definition.projectPath, issues);
    const ComplianceResult checked = checkCompliance(park, options, issues);
    ASSERT_GT(checked.findings.size(), 10u);
    expectTotalsAreTheOneByOneTotals(checked.findings, park.crs);

    AuditOptions audit;
    audit.asOf = *Date::parse("2028-06-30");
    audit.rules = loadAuditRules(definition.projectPath, issues);
    expectTotalsAreTheOneByOneTotals(runAudit(park, audit, issues).findings, park.crs);

    // A grid of plots under three rules, each rule's parts overlapping the others' and their
    // neighbours', with features without geometry and cannot_decide among them.
    std::vector<Finding> grid;
    for (int row = 0; row < 12; ++row)
        for (int column = 0; column < 12; ++column) {
            const double x = column * 50.0, y = row * 50.0;
            const std::int64_t fid = row * 12 + column;
            grid.push_back(finding("land_use_mismatch", fid, x, y, x + 50, y + 50));
            grid.push_back(finding("road_red_line", fid, x + 30, y, x + 60, y + 20));
            if ((row + column) % 3 == 0)
                grid.push_back(finding(kCannotDecide, fid, x, y, x + 50, y + 50));
            if ((row * column) % 5 == 1) {
                Finding noGeometry = finding("outside_boundary", fid, x, y, x + 10, y + 10);
                noGeometry.geometryWkb.clear();
                grid.push_back(std::move(noGeometry));
            }
        }
    expectTotalsAreTheOneByOneTotals(grid, Crs::fromEpsg(4547));
}

// The totals find their clusters on several workers, each testing the pairs of its own ranges,
// and replay the joins in order: long strips over rows and columns of plots chain clusters
// across every worker's ranges (as the works strips and red-line pieces of the 1M park do). On
// four workers the figures must be those of one, to the last bit.
TEST(FindingsTotalTest, ClustersChainedAcrossWorkersTotalAsOnOneWorker)
{
    // One area calculator for every rectangle (finding() makes one each: slow for hundreds).
    AreaCalculator area(Crs::fromEpsg(4547));
    // Strips along every fifth row and column, each overlapping a run of plots.
    const std::vector<Finding> findings = clusteredGrid(area, 16, everyFifth(16), everyFifth(16));
    const Crs crs = Crs::fromEpsg(4547);
    FindingsTotals one, four;
    {
        const ThreadsGuard guard("1");
        one = totalsOfFindings(findings, crs);
    }
    {
        const ThreadsGuard guard("4");
        four = totalsOfFindings(findings, crs);
    }
    expectSameTotal(four.measured, one.measured, "measured");
    ASSERT_EQ(four.byRule.size(), one.byRule.size());
    for (std::size_t r = 0; r < one.byRule.size(); ++r)
        expectSameTotal(four.byRule[r].total, one.byRule[r].total, one.byRule[r].rule);
    // Some clusters span far more plots than a worker's range holds.
    EXPECT_GT(one.measured.countedOnce, 200u);
    EXPECT_TRUE(one.of("works_on_unacquired_land").hasOverlaps());
    EXPECT_LT(one.measured.areaMu, one.measured.summedMu);
}

namespace {

/// The area in m² of `geometry` (EPSG:4547, easting first) on the CGCS2000 ellipsoid, measured
/// without the code under test: OGR/PROJ move it into a Lambert azimuthal equal-area projection
/// centred on it (equal-area on the ellipsoid) and OGR takes its plane area there.
double ogrEllipsoidalM2(const OGRGeometry& geometry)
{
    OGRSpatialReference plane, geographic, laea;
    plane.importFromEPSG(4547);
    geographic.importFromEPSG(4490);
    for (OGRSpatialReference* srs : {&plane, &geographic})
        srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRPoint centre;
    EXPECT_EQ(geometry.Centroid(&centre), OGRERR_NONE);
    std::unique_ptr<OGRCoordinateTransformation> toLonLat(
        OGRCreateCoordinateTransformation(&plane, &geographic));
    EXPECT_EQ(centre.transform(toLonLat.get()), OGRERR_NONE);
    laea.SetProjCS("LAEA on CGCS2000");
    laea.SetLAEA(centre.getY(), centre.getX(), 0, 0);
    laea.CopyGeogCSFrom(&geographic);
    laea.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> toLaea(
        OGRCreateCoordinateTransformation(&plane, &laea));
    std::unique_ptr<OGRGeometry> moved(geometry.clone());
    // Straight edges of the projection stay (nearly) straight in the other: 1 m steps first.
    moved->segmentize(1.0);
    EXPECT_EQ(moved->transform(toLaea.get()), OGRERR_NONE);
    return OGR_G_Area(OGRGeometry::ToHandle(moved.get()));
}

/// Four clusters of the chained test's pattern (a 40 m plot, a red-line piece over its north
/// edge, a strip over a run of plots), `dx`, `dy` metres from (kX, kY).
std::vector<Finding> fourClusters(double dx, double dy)
{
    AreaCalculator area(Crs::fromEpsg(4547));
    return clusteredGrid(area, 4, {0}, {2}, false, dx, dy);
}

} // namespace

// Reported: the measured total of the chained test's grid (1147.99 mu) is 0.6 % below the
// plane union of its rectangles (1155.05 mu). That grid lay at x ≈ 1 000 000, y ≈ 6 750 000
// (its corners were kX + …, and rectangleWkb adds kX again): 60.5° N, 123.1° E, 9° east of
// the zone's central meridian (114° E), where Gauss-Krüger scales lengths by ~1.0031 and areas
// by ~1.0062. The total is the ellipsoidal area of the union, as every area of the engine is;
// the plane figure is not the land's area there. Near the central meridian the two agree.
TEST(FindingsTotalTest, MeasuredTotalIsTheEllipsoidalAreaOfTheUnionAlsoFarFromTheMeridian)
{
    const Crs crs = Crs::fromEpsg(4547);
    struct Place {
        const char* name;
        double dx, dy;
    };
    for (const Place& place : {Place{"central meridian", 0, 0}, Place{"9 degrees east", kX, kY}}) {
        SCOPED_TRACE(place.name);
        const std::vector<Finding> findings = fourClusters(place.dx, place.dy);
        const FindingsTotals totals = totalsOfFindings(findings, crs);
        ASSERT_TRUE(totals.measured.hasOverlaps());
        ASSERT_LT(totals.measured.areaMu + 1.0, totals.measured.summedMu);

        const std::unique_ptr<OGRGeometry> united = ogrUnion(findings, kCannotDecide);
        const double planeMu = muFromM2(OGR_G_Area(OGRGeometry::ToHandle(united.get())));
        const double groundMu = muFromM2(ogrEllipsoidalM2(*united));
        // The total is the union's area on the ellipsoid, measured independently.
        EXPECT_NEAR(totals.measured.areaMu, groundMu, 1e-6 * groundMu);
        // So is each rule's (the plots and red-line pieces lie apart, the strips cross).
        ASSERT_EQ(totals.byRule.size(), 3u);
        for (const RuleTotal& rule : totals.byRule) {
            std::vector<Finding> ofRule;
            for (const Finding& f : findings)
                if (f.rule == rule.rule)
                    ofRule.push_back(f);
            const double ruleMu = muFromM2(ogrEllipsoidalM2(*ogrUnion(ofRule, kCannotDecide)));
            EXPECT_NEAR(rule.total.areaMu, ruleMu, 1e-6 * ruleMu) << rule.rule;
        }
        if (place.dx == 0) {
            EXPECT_NEAR(totals.measured.areaMu, planeMu, 1e-5 * planeMu);
        } else {
            // Far east the plane overstates the land by k² ≈ 1.0062 (the reported 0.6 %).
            EXPECT_NEAR(planeMu / totals.measured.areaMu, 1.00615, 0.0003);
        }
    }
}

namespace {

/// UnionPath::Fast (covered parts left out, large clusters cut into tiles) against the
/// reference (every cluster united whole): the same counts, and every area within 1e-9
/// relative and the same at the shown 0.01 亩. Returns how many totals had overlaps to unite.
std::size_t expectFastTotalsAreTheReference(const std::vector<Finding>& findings, const Crs& crs)
{
    const FindingsTotals fast = totalsOfFindings(findings, crs);
    const FindingsTotals reference =
        totalsOfFindings(findings, crs, AreaMethod::Ellipsoidal, UnionPath::Reference);
    std::size_t withOverlaps = 0;
    auto same = [&](const FindingsTotal& a, const FindingsTotal& b, const std::string& what) {
        EXPECT_EQ(a.findings, b.findings) << what;
        EXPECT_EQ(a.features, b.features) << what;
        EXPECT_EQ(a.withArea, b.withArea) << what;
        EXPECT_EQ(a.withoutArea, b.withoutArea) << what;
        EXPECT_EQ(a.countedOnce, b.countedOnce) << what;
        if (std::isnan(a.areaMu) || std::isnan(b.areaMu)) {
            EXPECT_EQ(std::isnan(a.areaMu), std::isnan(b.areaMu)) << what;
            return;
        }
        EXPECT_EQ(a.summedMu, b.summedMu) << what;
        EXPECT_NEAR(a.areaMu, b.areaMu, 1e-9 * std::fabs(b.areaMu)) << what;
        EXPECT_EQ(formatForDisplay(a.areaMu, 2), formatForDisplay(b.areaMu, 2)) << what;
        if (a.hasOverlaps())
            ++withOverlaps;
    };
    same(fast.measured, reference.measured, "measured");
    same(fast.undecided, reference.undecided, "cannot_decide");
    EXPECT_EQ(fast.byRule.size(), reference.byRule.size());
    for (std::size_t r = 0; r < std::min(fast.byRule.size(), reference.byRule.size()); ++r) {
        EXPECT_EQ(fast.byRule[r].rule, reference.byRule[r].rule);
        same(fast.byRule[r].total, reference.byRule[r].total, reference.byRule[r].rule);
    }
    return withOverlaps;
}

/// ISO WKB of an OGR geometry.
std::vector<unsigned char> wkbOf(const OGRGeometry& geometry)
{
    std::vector<unsigned char> wkb(geometry.WkbSize());
    geometry.exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    return wkb;
}

} // namespace

// The check's totals unite overlapping findings by the fast path; the reference path (each
// cluster whole) is kept for this test. On the sample's check and audit, on real 地类图斑 with
// real roads (ae102devedemo, Xi'an 1980: each patch flagged whole, its part under a 30 m road
// strip flagged again, the strips themselves flagged: the check's pattern of pieces inside
// plots and strips across them), and on a synthetic grid whose strips chain every plot into
// one cluster large enough to be cut into tiles.
TEST(FindingsTotalTest, FastUnionTotalsAreTheReferenceTotalsOnTheSampleRealDataAndAGrid)
{
    {
        SCOPED_TRACE("sample");
        IssueList issues;
        const ParkDefinition definition =
            discoverPark(std::string(PARKATLAS_SAMPLE_DIR) + "/park.gpkg");
        const Park park = loadPark(definition, {}, issues);
        ComplianceOptions options;
        options.settings = ComplianceSettings::load(definition.projectPath, issues);
        EXPECT_GT(expectFastTotalsAreTheReference(checkCompliance(park, options, issues).findings,
                                                  park.crs),
                  0u);
        AuditOptions audit;
        audit.asOf = *Date::parse("2028-06-30");
        audit.rules = loadAuditRules(definition.projectPath, issues);
        expectFastTotalsAreTheReference(runAudit(park, audit, issues).findings, park.crs);
    }
    {
        SCOPED_TRACE("realdata DLTB and roads");
        const std::string folder = std::string(PARKATLAS_REALDATA) + "/china/ae102devedemo/";
        GDALAllRegister();
        GDALDatasetUniquePtr patches(GDALDataset::Open((folder + "DLTB.shp").c_str(),
                                                       GDAL_OF_VECTOR | GDAL_OF_READONLY));
        GDALDatasetUniquePtr roads(GDALDataset::Open((folder + "Road.shp").c_str(),
                                                     GDAL_OF_VECTOR | GDAL_OF_READONLY));
        ASSERT_TRUE(patches && roads);
        const Crs crs = Crs::fromOgr(patches->GetLayer(0)->GetSpatialRef());
        AreaCalculator area(crs);
        std::vector<Finding> findings;
        auto add = [&](const char* rule, const char* layer, std::int64_t fid,
                       const OGRGeometry& geometry) {
            Finding f;
            f.rule = rule;
            f.layer = layer;
            f.fids = {fid};
            f.geometryWkb = wkbOf(geometry);
            GeometryStore store(GeometryKind::Polygon);
            if (!store.appendWkb(f.geometryWkb.data(), f.geometryWkb.size()))
                return;
            f.areaMu = muFromM2(area.areaM2(store, 0));
            findings.push_back(std::move(f));
        };
        std::vector<std::unique_ptr<OGRGeometry>> strips;
        for (const auto& road : *roads->GetLayer(0)) {
            strips.emplace_back(road->GetGeometryRef()->Buffer(15.0, 8));
            add("works_on_unacquired_land", "roads", road->GetFID(), *strips.back());
        }
        for (const auto& patch : *patches->GetLayer(0)) {
            const OGRGeometry* plot = patch->GetGeometryRef();
            add("land_use_mismatch", "parcels", patch->GetFID(), *plot);
            for (const auto& strip : strips)
                if (plot->Intersects(strip.get())) {
                    std::unique_ptr<OGRGeometry> piece(plot->Intersection(strip.get()));
                    if (piece && !piece->IsEmpty())
                        add("road_red_line", "parcels", patch->GetFID(), *piece);
                }
        }
        ASSERT_GT(findings.size(), 20u);
        EXPECT_GE(expectFastTotalsAreTheReference(findings, crs), 2u);
    }
    {
        SCOPED_TRACE("synthetic grid, one cluster of over a thousand parts");
        AreaCalculator area(Crs::fromEpsg(4547));
        // The plots' protected pieces are covered by them: left out of the union.
        const std::vector<Finding> findings =
            clusteredGrid(area, 24, everyFifth(24), everyFifth(24), true);
        const FindingsTotals totals = totalsOfFindings(findings, Crs::fromEpsg(4547));
        // Well over the 512 parts from which a cluster is cut into tiles.
        EXPECT_GT(totals.measured.countedOnce, 1000u);
        EXPECT_GE(expectFastTotalsAreTheReference(findings, Crs::fromEpsg(4547)), 2u);
    }
}

TEST(FindingsTotalTest, ARuleClusterThatIsAMeasuredClusterHasItsUnion)
{
    // works: two overlapping strips alone (their cluster is the measured total's too, so its
    // union is taken from there) and two more that a road_red_line piece joins to a third
    // part in the measured total (its own union); protected: a pair alone.
    const std::vector<Finding> findings = {
        finding("works_on_unacquired_land", 1, 0, 0, 100, 20),
        finding("works_on_unacquired_land", 2, 80, 0, 180, 20),
        finding("works_on_unacquired_land", 3, 0, 500, 100, 520),
        finding("works_on_unacquired_land", 4, 80, 500, 180, 520),
        finding("road_red_line", 5, 170, 510, 260, 530),
        finding("protected_overlap", 6, 1000, 0, 1050, 50),
        finding("protected_overlap", 7, 1030, 30, 1080, 80),
    };
    const Crs crs = Crs::fromEpsg(4547);
    EXPECT_EQ(expectFastTotalsAreTheReference(findings, crs), 3u); // measured, works, protected
    const FindingsTotals totals = totalsOfFindings(findings, crs);
    const double strips = 2 * rectangleMu(0, 0, 180, 20);
    const double pieces = 2 * rectangleMu(1000, 0, 1050, 50) - rectangleMu(1030, 30, 1050, 50);
    EXPECT_NEAR(totals.of("works_on_unacquired_land").areaMu, strips, 1e-9 * strips);
    EXPECT_NEAR(totals.of("protected_overlap").areaMu, pieces, 1e-9 * pieces);
    const double measured = strips + pieces + rectangleMu(170, 510, 260, 530) -
                            rectangleMu(170, 510, 180, 520);
    EXPECT_NEAR(totals.measured.areaMu, measured, 1e-9 * measured);
}

TEST(FindingsTotalTest, RuleClustersInsideAMeasuredClusterGiveItTheirUnions)
{
    // One measured cluster: works strips 1 and 2 (with a red-line piece, 5, inside strip 1),
    // protected squares 3 and 4, and land_use_mismatch plots 7 (the very geometry of 4) and
    // 8. The works and protected clusters are united for their own totals and their unions
    // taken into the measured one; the land_use_mismatch cluster shares a geometry with the
    // protected one, so its plots are united there as they are.
    const std::vector<Finding> findings = {
        finding("works_on_unacquired_land", 1, 0, 0, 100, 20),
        finding("works_on_unacquired_land", 2, 80, 0, 180, 20),
        finding("protected_overlap", 3, 150, 10, 250, 60),
        finding("protected_overlap", 4, 230, 40, 300, 90),
        finding("road_red_line", 5, 10, 5, 50, 15),
        finding("land_use_mismatch", 7, 230, 40, 300, 90),
        finding("land_use_mismatch", 8, 290, 80, 350, 120),
    };
    const Crs crs = Crs::fromEpsg(4547);
    EXPECT_EQ(expectFastTotalsAreTheReference(findings, crs), 4u);
    const FindingsTotals totals = totalsOfFindings(findings, crs);
    const double measured = rectangleMu(0, 0, 180, 20) + rectangleMu(150, 10, 250, 60) -
                            rectangleMu(150, 10, 180, 20) + rectangleMu(230, 40, 300, 90) -
                            rectangleMu(230, 40, 250, 60) + rectangleMu(290, 80, 350, 120) -
                            rectangleMu(290, 80, 300, 90);
    EXPECT_NEAR(totals.measured.areaMu, measured, 1e-9 * measured);
    EXPECT_EQ(totals.measured.countedOnce, 6u); // seven findings with an area, one place
    const double strips = rectangleMu(0, 0, 180, 20);
    EXPECT_NEAR(totals.of("works_on_unacquired_land").areaMu, strips, 1e-9 * strips);
}
