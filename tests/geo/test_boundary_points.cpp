#include "geo/error.h"
#include "geo/measure/area.h"
#include "geo/measure/boundary_points.h"
#include "geo/measure/four_sides.h"
#include "geo/model/geometry_store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

using namespace parkatlas::geo;

namespace {

// A Gauss-Krüger position (CGCS2000 3° zone 38 with prefix), so precision is tested too.
constexpr double kE = 38500000.0, kN = 3300000.0;

using Ring = std::vector<std::pair<double, double>>;

void addPolygon(GeometryStore& store, const std::vector<std::vector<Ring>>& parts)
{
    store.beginFeature();
    for (const auto& rings : parts) {
        store.beginPart();
        for (const Ring& ring : rings) {
            store.beginRing();
            for (const auto& [x, y] : ring)
                store.addVertex(kE + x, kN + y);
        }
    }
    store.endFeature();
}

Ring square(double x0, double y0, double side, bool clockwise, int startCorner = 0)
{
    Ring anticlockwise = {{x0, y0}, {x0 + side, y0}, {x0 + side, y0 + side}, {x0, y0 + side}};
    Ring ring;
    for (int i = 0; i < 4; ++i) {
        const int k = (startCorner + (clockwise ? -i : i) + 8) % 4;
        ring.push_back(anticlockwise[static_cast<std::size_t>(k)]);
    }
    ring.push_back(ring.front()); // closed, as read
    return ring;
}

/// The ring's points relative to (kE, kN), rounded to the millimetre.
std::vector<std::pair<double, double>> local(const BoundaryRing& ring)
{
    std::vector<std::pair<double, double>> points;
    for (std::size_t i = 0; i < ring.pointCount(); ++i)
        points.emplace_back(std::round((ring.x(i) - kE) * 1000) / 1000,
                            std::round((ring.y(i) - kN) * 1000) / 1000);
    return points;
}

const std::vector<std::pair<double, double>> kSquareFromNorthWest = {
    {0, 100}, {100, 100}, {100, 0}, {0, 0}};

} // namespace

TEST(BoundaryPointsTest, SquareDrawnAnticlockwiseIsNumberedClockwiseFromItsNorthWestCorner)
{
    GeometryStore store(GeometryKind::Polygon);
    addPolygon(store, {{square(0, 0, 100, false)}});
    const BoundaryPoints points = boundaryPoints(store, 0);
    ASSERT_EQ(points.rings.size(), 1u);
    EXPECT_EQ(local(points.rings[0]), kSquareFromNorthWest);
    EXPECT_EQ(points.rings[0].pointName(0), "J1");
    EXPECT_EQ(points.rings[0].pointName(3), "J4");
    for (double length : points.rings[0].edgeLengthM)
        EXPECT_DOUBLE_EQ(length, 100.0);
    EXPECT_TRUE(points.problems.empty());
}

TEST(BoundaryPointsTest, EveryOrientationAndStartGivesTheSameNumbering)
{
    for (const bool clockwise : {false, true})
        for (int start = 0; start < 4; ++start) {
            GeometryStore store(GeometryKind::Polygon);
            addPolygon(store, {{square(0, 0, 100, clockwise, start)}});
            const BoundaryPoints points = boundaryPoints(store, 0);
            ASSERT_EQ(points.rings.size(), 1u);
            EXPECT_EQ(local(points.rings[0]), kSquareFromNorthWest)
                << "clockwise " << clockwise << ", start " << start;
        }
}

TEST(BoundaryPointsTest, AmbiguousNorthWestPointGoesToTheMoreNorthernVertex)
{
    // A diamond: its top (50, 100) and its left (0, 50) are equally far from the envelope's
    // north-west corner (0, 100). The top one starts, however the ring was stored.
    const Ring base = {{50, 0}, {100, 50}, {50, 100}, {0, 50}};
    for (int start = 0; start < 4; ++start)
        for (const bool reverse : {false, true}) {
            Ring ring;
            for (int i = 0; i < 4; ++i)
                ring.push_back(base[static_cast<std::size_t>((start + (reverse ? -i : i) + 8) % 4)]);
            GeometryStore store(GeometryKind::Polygon);
            addPolygon(store, {{ring}});
            const BoundaryPoints points = boundaryPoints(store, 0);
            ASSERT_EQ(points.rings.size(), 1u);
            const std::vector<std::pair<double, double>> expected = {
                {50, 100}, {100, 50}, {50, 0}, {0, 50}};
            EXPECT_EQ(local(points.rings[0]), expected) << "start " << start;
        }
}

TEST(BoundaryPointsTest, HolesAreNumberedClockwiseAfterTheirExterior)
{
    GeometryStore store(GeometryKind::Polygon);
    // The hole stored clockwise and the exterior anticlockwise (the OGC way round).
    addPolygon(store, {{square(0, 0, 100, false), square(40, 40, 20, true, 2)}});
    const BoundaryPoints points = boundaryPoints(store, 0);
    ASSERT_EQ(points.rings.size(), 2u);
    EXPECT_FALSE(points.rings[0].hole);
    EXPECT_TRUE(points.rings[1].hole);
    EXPECT_EQ(points.rings[1].firstNumber, 5);
    EXPECT_EQ(points.rings[1].pointName(0), "J5");
    const std::vector<std::pair<double, double>> hole = {{40, 60}, {60, 60}, {60, 40}, {40, 40}};
    EXPECT_EQ(local(points.rings[1]), hole);
    EXPECT_EQ(points.pointCount(), 8u);
}

TEST(BoundaryPointsTest, PartsAreNumberedNorthFirstWhateverTheirStoredOrder)
{
    GeometryStore store(GeometryKind::Polygon);
    addPolygon(store, {{square(0, 0, 10, false)}, {square(0, 500, 10, false)}});
    const BoundaryPoints points = boundaryPoints(store, 0);
    ASSERT_EQ(points.rings.size(), 2u);
    EXPECT_EQ(points.rings[0].part, 1u); // the northern part, stored second
    EXPECT_EQ(points.rings[0].firstNumber, 1);
    EXPECT_DOUBLE_EQ(points.rings[0].y(0) - kN, 510.0);
    EXPECT_EQ(points.rings[1].part, 0u);
    EXPECT_EQ(points.rings[1].firstNumber, 5);
}

TEST(BoundaryPointsTest, EdgesUnderOneCentimetreAreKeptAndRepeatedVerticesDropped)
{
    // A vertex 4 mm east of the north-west corner, and one vertex repeated.
    const Ring ring = {{0, 0},   {0, 100}, {0.004, 100}, {100, 100},
                       {100, 100}, {100, 0}, {0, 0}};
    GeometryStore store(GeometryKind::Polygon);
    addPolygon(store, {{ring}});
    const BoundaryPoints points = boundaryPoints(store, 0);
    ASSERT_EQ(points.rings.size(), 1u);
    ASSERT_EQ(points.rings[0].pointCount(), 5u);
    EXPECT_NEAR(points.rings[0].edgeLengthM[0], 0.004, 1e-6);
    EXPECT_NEAR(points.rings[0].edgeLengthM[1], 99.996, 1e-6);
}

TEST(BoundaryPointsTest, CoordinatesAreTheVerticesToTheMillimetreAndLengthsAddUpToThePerimeter)
{
    const Ring ring = {{0, 0},       {37.123, -5.5}, {80.0004, 12.25}, {75.5, 60.125},
                       {20.75, 71.3}, {-3.25, 40},    {0, 0}};
    GeometryStore store(GeometryKind::Polygon);
    addPolygon(store, {{ring}});
    const BoundaryPoints points = boundaryPoints(store, 0);
    ASSERT_EQ(points.rings.size(), 1u);
    const BoundaryRing& out = points.rings[0];
    ASSERT_EQ(out.pointCount(), 6u);
    double sum = 0;
    for (std::size_t i = 0; i < out.pointCount(); ++i) {
        bool found = false;
        for (const auto& [x, y] : ring)
            found = found || (std::fabs(out.x(i) - (kE + x)) < 5e-4 &&
                              std::fabs(out.y(i) - (kN + y)) < 5e-4);
        EXPECT_TRUE(found) << out.pointName(i);
        sum += out.edgeLengthM[i];
    }
    std::vector<double> xy;
    for (const auto& [x, y] : ring) {
        xy.push_back(kE + x);
        xy.push_back(kN + y);
    }
    EXPECT_NEAR(sum, planarPathLength(xy), 1e-6);
    // Clockwise: the signed (anticlockwise-positive) area is negative.
    EXPECT_LT(planarRingAreaSigned(out.xy), 0);
    // The most north-westerly vertex, (20.75, 71.3), starts.
    EXPECT_NEAR(out.x(0) - kE, 20.75, 1e-9);
}

TEST(BoundaryPointsTest, LengthsAreInMetresInAFeetCrs)
{
    GeometryStore store(GeometryKind::Polygon);
    addPolygon(store, {{square(0, 0, 100, false)}});
    const double usFoot = 1200.0 / 3937.0;
    const BoundaryPoints points = boundaryPoints(store, 0, usFoot);
    EXPECT_NEAR(points.rings[0].edgeLengthM[0], 100 * usFoot, 1e-9);
}

TEST(BoundaryPointsTest, DegenerateRingsAreLeftOutAndSaidSo)
{
    GeometryStore store(GeometryKind::Polygon);
    addPolygon(store, {{{{0, 0}, {10, 0}, {0, 0}}}, {square(50, 50, 10, false)}});
    const BoundaryPoints points = boundaryPoints(store, 0);
    ASSERT_EQ(points.rings.size(), 1u);
    ASSERT_EQ(points.problems.size(), 1u);
    EXPECT_NE(points.problems[0].find("part 1, ring 1"), std::string::npos);
    EXPECT_NE(points.problems[0].find("fewer than 3"), std::string::npos);
}

TEST(BoundaryPointsTest, LinesAreRefused)
{
    GeometryStore store(GeometryKind::Line);
    store.beginFeature();
    store.beginPart();
    store.beginRing();
    store.addVertex(0, 0);
    store.addVertex(1, 1);
    store.endFeature();
    EXPECT_THROW(boundaryPoints(store, 0), GeometryError);
}

namespace {

/// A centre plot with plots east, south and (optionally) west, and across a road to the
/// north another plot: the road is met first.
struct Neighbourhood {
    GeometryStore plots{GeometryKind::Polygon};
    GeometryStore roads{GeometryKind::Line};
    std::vector<std::string> names;
    explicit Neighbourhood(bool west)
    {
        addPolygon(plots, {{square(0, 0, 100, false)}});
        names.push_back("中心");
        addPolygon(plots, {{square(100, 0, 100, true, 1)}});
        names.push_back("东邻");
        addPolygon(plots, {{square(0, -100, 100, false)}});
        names.push_back("南邻");
        if (west) {
            addPolygon(plots, {{square(-100, 0, 100, false)}});
            names.push_back("西邻");
        }
        addPolygon(plots, {{square(0, 130, 100, false)}});
        names.push_back("北邻");
        roads.beginFeature();
        roads.beginPart();
        roads.beginRing();
        roads.addVertex(kE - 200, kN + 115);
        roads.addVertex(kE + 300, kN + 115);
        roads.endFeature();
    }
};

std::vector<std::string> namesOf(const std::vector<SideNeighbour>& side)
{
    std::vector<std::string> names;
    for (const SideNeighbour& n : side)
        names.push_back(n.name);
    return names;
}

} // namespace

TEST(FourSidesTest, EachSideNamesWhatItFacesAndARoadComesBeforeThePlotAcrossIt)
{
    const Neighbourhood park(true);
    const FourSidesFinder finder(park.plots, park.names, &park.roads, {"纬一路"}, 1);
    const FourSides sides = finder.find(0, boundaryPoints(park.plots, 0));
    EXPECT_EQ(namesOf(sides.sides[static_cast<int>(Side::East)]), std::vector<std::string>{"东邻"});
    EXPECT_EQ(namesOf(sides.sides[static_cast<int>(Side::South)]),
              std::vector<std::string>{"南邻"});
    EXPECT_EQ(namesOf(sides.sides[static_cast<int>(Side::West)]), std::vector<std::string>{"西邻"});
    EXPECT_EQ(namesOf(sides.sides[static_cast<int>(Side::North)]),
              std::vector<std::string>{"纬一路"});
    EXPECT_NEAR(sides.sides[static_cast<int>(Side::East)][0].facingLengthM, 100, 1e-9);
    for (int s = 0; s < 4; ++s) {
        EXPECT_NEAR(sides.sideLengthM[s], 100, 1e-9);
        EXPECT_NEAR(sides.facingNothingM[s], 0, 1e-9);
    }
    EXPECT_EQ(std::string(chineseName(Side::North)), "北至");
}

TEST(FourSidesTest, ASideFacingNothingWithinReachListsNothing)
{
    const Neighbourhood park(false);
    const FourSidesFinder finder(park.plots, park.names, nullptr, {}, 1);
    const FourSides sides = finder.find(0, boundaryPoints(park.plots, 0));
    EXPECT_TRUE(sides.sides[static_cast<int>(Side::West)].empty());
    EXPECT_NEAR(sides.facingNothingM[static_cast<int>(Side::West)], 100, 1e-9);
    // Without the road the plot 30 m north is met instead.
    EXPECT_EQ(namesOf(sides.sides[static_cast<int>(Side::North)]),
              std::vector<std::string>{"北邻"});
    EXPECT_EQ(finder.plotsNear(park.plots.envelope(0), 0).size(), 2u); // east and south touch
}

TEST(FourSidesTest, ACutCornerDoesNotListTheRoadRoundTheCorner)
{
    // A 100 m plot with its south-west corner cut by 10 m, a road 15 m west and one 15 m south.
    GeometryStore plots(GeometryKind::Polygon);
    addPolygon(plots, {{{{10, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 10}, {10, 0}}}});
    GeometryStore roads(GeometryKind::Line);
    for (const auto& [from, to] : {std::pair{std::pair{-15.0, -200.0}, std::pair{-15.0, 300.0}},
                                   std::pair{std::pair{-200.0, -15.0}, std::pair{300.0, -15.0}}}) {
        roads.beginFeature();
        roads.beginPart();
        roads.beginRing();
        roads.addVertex(kE + from.first, kN + from.second);
        roads.addVertex(kE + to.first, kN + to.second);
        roads.endFeature();
    }
    const FourSidesFinder finder(plots, {"宗地"}, &roads, {"经一路", "沿江大道"}, 1);
    const FourSides sides = finder.find(0, boundaryPoints(plots, 0));
    EXPECT_EQ(namesOf(sides.sides[static_cast<int>(Side::South)]),
              std::vector<std::string>{"沿江大道"});
    EXPECT_EQ(namesOf(sides.sides[static_cast<int>(Side::West)]),
              std::vector<std::string>{"经一路"});
    // The cut (14.14 m) counts half south, half west.
    EXPECT_NEAR(sides.sideLengthM[static_cast<int>(Side::South)], 90 + std::sqrt(200.0) / 2,
                1e-9);
}
