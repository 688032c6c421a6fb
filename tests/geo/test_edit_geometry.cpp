// Editing geometry (geo/edit/edit_geometry.h): WKB in and out, the store, vertex operations,
// validity, split and merge.

#include "geo/edit/edit_geometry.h"
#include "geo/error.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/model/geos_context.h"

#include <gtest/gtest.h>
#include <ogr_geometry.h>

#include <cmath>
#include <string>
#include <vector>

using namespace parkatlas::geo;

namespace {

const std::string kSample = PARKATLAS_SAMPLE_DIR;

// Coordinates in EPSG:4547 near the sample park, so that rounding is that of real data.
constexpr double kX = 500000, kY = 3375000;

/// WKB of `wkt` as OGR writes it: an encoder independent of the one under test.
std::vector<unsigned char> ogrWkb(const char* wkt, OGRwkbByteOrder order = wkbNDR,
                                  OGRwkbVariant variant = wkbVariantIso)
{
    OGRGeometry* geometry = nullptr;
    EXPECT_EQ(OGRGeometryFactory::createFromWkt(wkt, nullptr, &geometry), OGRERR_NONE) << wkt;
    std::vector<unsigned char> bytes(geometry->WkbSize());
    geometry->exportToWkb(order, bytes.data(), variant);
    OGRGeometryFactory::destroyGeometry(geometry);
    return bytes;
}

EditRing rect(double x0, double y0, double x1, double y1)
{
    return {{kX + x0, kY + y0}, {kX + x1, kY + y0}, {kX + x1, kY + y1}, {kX + x0, kY + y1}};
}

EditGeometry polygonOf(std::vector<EditRing> rings)
{
    EditGeometry geometry;
    geometry.kind = GeometryKind::Polygon;
    geometry.polygons.push_back({std::move(rings)});
    return geometry;
}

std::vector<EditPoint> pathOf(std::initializer_list<std::pair<double, double>> points)
{
    std::vector<EditPoint> path;
    for (auto [x, y] : points)
        path.push_back({kX + x, kY + y});
    return path;
}

/// Shoelace area of an open ring (absolute), in m².
double ringAreaM2(const EditRing& ring)
{
    double twice = 0;
    for (std::size_t i = 0; i < ring.size(); ++i) {
        const EditPoint& a = ring[i];
        const EditPoint& b = ring[(i + 1) % ring.size()];
        twice += (a.x - kX) * (b.y - kY) - (b.x - kX) * (a.y - kY);
    }
    return std::abs(twice) / 2;
}

double areaM2(const EditGeometry& geometry)
{
    double total = 0;
    for (const EditPolygon& polygon : geometry.polygons)
        for (std::size_t r = 0; r < polygon.rings.size(); ++r)
            total += (r == 0 ? 1 : -1) * ringAreaM2(polygon.rings[r]);
    return total;
}

std::string ioErrorOf(const std::vector<unsigned char>& wkb)
{
    try {
        EditGeometry::fromWkb(wkb);
    } catch (const IoError& error) {
        return error.what();
    }
    return "(no error)";
}

} // namespace

TEST(EditGeometryTest, IsoWkbRoundTripsByteForByte)
{
    struct Case {
        const char* wkt;
        bool multi;
    };
    const Case cases[] = {
        {"POLYGON ((500000 3375000,500100.25 3375000,500100.25 3375100,500000 3375000),"
         "(500010 3375005,500020 3375005,500020 3375010,500010 3375005))",
         false},
        {"MULTIPOLYGON (((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))", true},
        {"MULTIPOLYGON (((0 0,1 0,1 1,0 0)))", true},
        {"LINESTRING (500000.125 3375000.5,500010 3375010,500020 3375000)", false},
        {"MULTILINESTRING ((0 0,1 1),(2 2,3 3,4 2))", true},
    };
    for (const Case& c : cases) {
        const std::vector<unsigned char> wkb = ogrWkb(c.wkt);
        const EditGeometry geometry = EditGeometry::fromWkb(wkb);
        EXPECT_EQ(geometry.toWkb(c.multi), wkb) << c.wkt;
    }
    // One part written as a single geometry unless asked for a multi one.
    const EditGeometry one = EditGeometry::fromWkb(ogrWkb("MULTIPOLYGON (((0 0,1 0,1 1,0 0)))"));
    EXPECT_EQ(one.toWkb(false), ogrWkb("POLYGON ((0 0,1 0,1 1,0 0))"));
    // Rings are open in the editor and closed again in WKB.
    EXPECT_EQ(one.polygons.at(0).rings.at(0).size(), 3u);
    EXPECT_EQ(one.vertexCount(), 3u);
}

TEST(EditGeometryTest, BigEndianZAndMAndExtendedWkbReadAsTheirTwoDimensionalShape)
{
    const std::vector<unsigned char> flat =
        ogrWkb("POLYGON ((500000 3375000,500100 3375000,500100 3375100,500000 3375000))");
    const char* const variants[] = {
        "POLYGON Z ((500000 3375000 7,500100 3375000 8,500100 3375100 9,500000 3375000 7))",
        "POLYGON M ((500000 3375000 7,500100 3375000 8,500100 3375100 9,500000 3375000 7))",
        "POLYGON ZM ((500000 3375000 7 1,500100 3375000 8 2,500100 3375100 9 3,"
        "500000 3375000 7 1))",
    };
    for (const char* wkt : variants) {
        EXPECT_EQ(EditGeometry::fromWkb(ogrWkb(wkt, wkbXDR)).toWkb(), flat) << wkt;
        EXPECT_EQ(EditGeometry::fromWkb(ogrWkb(wkt, wkbNDR)).toWkb(), flat) << wkt;
    }
    // OGR's 2.5D flag (0x80000000), as old writers and EWKB set it.
    EXPECT_EQ(EditGeometry::fromWkb(ogrWkb(variants[0], wkbXDR, wkbVariantOldOgc)).toWkb(), flat);
    // PostGIS EWKB with an SRID: the flag 0x20000000 and four bytes after the type.
    std::vector<unsigned char> ewkb = flat;
    ewkb[4] |= 0x20;
    const unsigned char srid4547[] = {0xC3, 0x11, 0, 0};
    ewkb.insert(ewkb.begin() + 5, srid4547, srid4547 + 4);
    EXPECT_EQ(EditGeometry::fromWkb(ewkb).toWkb(), flat);
    // An empty WKB is no geometry, and no geometry writes as no bytes.
    EXPECT_TRUE(EditGeometry::fromWkb(std::vector<unsigned char>{}).isEmpty());
    EXPECT_TRUE(EditGeometry{}.toWkb().empty());
}

TEST(EditGeometryTest, BadWkbThrowsIoErrorSayingWhatIsWrong)
{
    const std::vector<unsigned char> good = ogrWkb("POLYGON ((0 0,1 0,1 1,0 0))");
    std::vector<unsigned char> truncated(good.begin(), good.end() - 5);
    EXPECT_NE(ioErrorOf(truncated).find("truncated"), std::string::npos) << ioErrorOf(truncated);

    std::vector<unsigned char> badOrder = good;
    badOrder[0] = 7;
    EXPECT_NE(ioErrorOf(badOrder).find("byte order is 7"), std::string::npos);

    std::vector<unsigned char> hugeCount = good;
    hugeCount[5] = hugeCount[6] = hugeCount[7] = hugeCount[8] = 0xFF; // 4 billion rings
    EXPECT_NE(ioErrorOf(hugeCount).find("truncated"), std::string::npos);

    std::vector<unsigned char> trailing = good;
    trailing.push_back(0);
    EXPECT_NE(ioErrorOf(trailing).find("1 bytes after the end"), std::string::npos);

    EXPECT_NE(ioErrorOf(ogrWkb("POINT (1 2)")).find("Point cannot be edited"), std::string::npos);
    EXPECT_NE(ioErrorOf(ogrWkb("CIRCULARSTRING (0 0,1 1,2 0)")).find("unknown geometry type 8"),
              std::string::npos);
    EXPECT_EQ(ioErrorOf(ogrWkb("MULTIPOLYGON (((0 0,1 0,1 1,0 0)))")), "(no error)");
}

TEST(EditGeometryTest, SampleParcelsGoThroughTheEditorAndBackUnchanged)
{
    IssueList issues;
    const Layer parcels = readLayer({kSample + "/park.gpkg", "parcels"}, {}, issues);
    ASSERT_GT(parcels.featureCount(), 400u);
    GeosContext geos;
    GeometryStore copy(GeometryKind::Polygon);
    std::size_t chamfered = 0;
    for (std::size_t i = 0; i < parcels.featureCount(); ++i) {
        const EditGeometry geometry = EditGeometry::fromStore(parcels.geometry, i);
        ASSERT_EQ(geometry.kind, GeometryKind::Polygon);
        const RingView outer = parcels.geometry.ring(i, 0, 0);
        // The closing vertex is dropped in the editor ...
        ASSERT_EQ(geometry.polygons.at(0).rings.at(0).size(), outer.vertexCount() - 1);
        chamfered += outer.vertexCount() == 7 ? 1 : 0;
        // ... and comes back in WKB: the same bytes GEOS writes for the stored feature.
        EXPECT_EQ(geometry.toWkb(), geos.toWkb(geos.fromStore(parcels.geometry, i).get())) << i;
        EXPECT_EQ(geometry.envelope().minX, parcels.geometry.envelope(i).minX);
        EXPECT_EQ(geometry.envelope().maxY, parcels.geometry.envelope(i).maxY);
        geometry.appendTo(copy);
    }
    EXPECT_GT(chamfered, 0u);
    ASSERT_EQ(copy.featureCount(), parcels.geometry.featureCount());
    const auto original = parcels.geometry.coordinates();
    const auto back = copy.coordinates();
    EXPECT_TRUE(std::equal(original.begin(), original.end(), back.begin(), back.end()));
}

TEST(EditGeometryTest, LinesAndEmptyFeaturesGoIntoAStoreAsTheyAre)
{
    EditGeometry line;
    line.kind = GeometryKind::Line;
    line.lines = {pathOf({{0, 0}, {10, 0}, {10, 10}}), pathOf({{20, 0}, {30, 0}})};
    GeometryStore store(GeometryKind::Line);
    line.appendTo(store);
    EditGeometry{}.appendTo(store);
    ASSERT_EQ(store.featureCount(), 2u);
    EXPECT_TRUE(store.isEmpty(1));
    const EditGeometry back = EditGeometry::fromStore(store, 0);
    EXPECT_EQ(back.lines, line.lines);
    EXPECT_EQ(back.toWkb(), line.toWkb());
    EXPECT_EQ(line.toWkb(), ogrWkb("MULTILINESTRING ((500000 3375000,500010 3375000,500010 "
                                   "3375010),(500020 3375000,500030 3375000))"));
    GeometryStore polygons(GeometryKind::Polygon);
    EXPECT_THROW(line.appendTo(polygons), GeometryError);
}

TEST(EditGeometryTest, NearestVertexAndSegmentIncludingTheClosingSegment)
{
    const EditGeometry square = polygonOf({rect(0, 0, 100, 100)});
    // Vertex 3 is (0, 100); vertex 0 is (0, 0).
    EXPECT_EQ(nearestVertex(square, {kX + 2, kY + 98}, 5), (VertexRef{0, 0, 3}));
    EXPECT_FALSE(nearestVertex(square, {kX + 50, kY + 50}, 5));
    EXPECT_EQ(nearestVertex(square, {kX + 103, kY + 104}, 5), (VertexRef{0, 0, 2})); // exactly 5
    EXPECT_FALSE(nearestVertex(square, {kX + 103, kY + 104.01}, 5));

    // The closing segment, from vertex 3 back to vertex 0, along x = 0.
    const auto closing = nearestSegment(square, {kX - 1, kY + 40}, 5);
    ASSERT_TRUE(closing);
    EXPECT_EQ(closing->from, (VertexRef{0, 0, 3}));
    EXPECT_EQ(closing->at, (EditPoint{kX, kY + 40}));
    EXPECT_DOUBLE_EQ(closing->distance, 1);
    const auto bottom = nearestSegment(square, {kX + 30, kY + 2}, 5);
    ASSERT_TRUE(bottom);
    EXPECT_EQ(bottom->from, (VertexRef{0, 0, 0}));
    EXPECT_FALSE(nearestSegment(square, {kX + 50, kY + 50}, 5));

    // A line has no closing segment.
    EditGeometry line;
    line.kind = GeometryKind::Line;
    line.lines = {pathOf({{0, 0}, {100, 0}, {100, 100}})};
    EXPECT_FALSE(nearestSegment(line, {kX + 50, kY + 50}, 10));
    EXPECT_EQ(nearestSegment(line, {kX + 97, kY + 50}, 10)->from, (VertexRef{0, 0, 1}));
}

TEST(EditGeometryTest, VerticesMoveInsertAndRemoveAndTheLastOnesAreRefused)
{
    const EditGeometry square = polygonOf({rect(0, 0, 100, 100)});
    const EditGeometry moved = withVertexMoved(square, {0, 0, 2}, {kX + 150, kY + 100});
    EXPECT_DOUBLE_EQ(areaM2(moved), 12500);
    EXPECT_EQ(square.polygons[0].rings[0][2], (EditPoint{kX + 100, kY + 100})); // a copy

    // Inserted after the last vertex: on the closing segment.
    const EditGeometry inserted = withVertexInserted(square, {0, 0, 3}, {kX - 50, kY + 50});
    ASSERT_EQ(inserted.polygons[0].rings[0].size(), 5u);
    EXPECT_EQ(inserted.polygons[0].rings[0][4], (EditPoint{kX - 50, kY + 50}));
    EXPECT_DOUBLE_EQ(areaM2(inserted), 12500);

    const auto triangle = withVertexRemoved(square, {0, 0, 1});
    ASSERT_TRUE(triangle);
    EXPECT_DOUBLE_EQ(areaM2(*triangle), 5000);
    EXPECT_FALSE(withVertexRemoved(*triangle, {0, 0, 0}));

    EditGeometry line;
    line.kind = GeometryKind::Line;
    line.lines = {pathOf({{0, 0}, {10, 0}, {20, 5}})};
    const auto shorter = withVertexRemoved(line, {0, 0, 1});
    ASSERT_TRUE(shorter);
    EXPECT_EQ(shorter->lines[0], pathOf({{0, 0}, {20, 5}}));
    EXPECT_FALSE(withVertexRemoved(*shorter, {0, 0, 0}));
    EXPECT_THROW(withVertexMoved(square, {0, 1, 0}, {}), std::out_of_range);

    // The last vertex dragged onto the first: still four vertices after WKB and the store.
    const EditGeometry folded = withVertexMoved(square, {0, 0, 3}, square.polygons[0].rings[0][0]);
    EXPECT_EQ(EditGeometry::fromWkb(folded.toWkb()).polygons[0].rings, folded.polygons[0].rings);
    GeometryStore store(GeometryKind::Polygon);
    folded.appendTo(store);
    EXPECT_EQ(EditGeometry::fromStore(store, 0).polygons[0].rings, folded.polygons[0].rings);
}

TEST(EditGeometryTest, ValidityProblemNamesTheSelfIntersectionOfABowTie)
{
    EXPECT_EQ(validityProblem(polygonOf({rect(0, 0, 100, 100)})), "");
    const EditGeometry bowTie = polygonOf({pathOf({{0, 0}, {100, 100}, {100, 0}, {0, 100}})});
    EXPECT_EQ(validityProblem(bowTie), "Self-intersection at 500050 3375050");
    // A hole outside its shell.
    EXPECT_EQ(validityProblem(polygonOf({rect(0, 0, 10, 10), rect(20, 20, 30, 30)}))
                  .rfind("Hole lies outside shell", 0),
              0u);
    // Too few vertices for GEOS to build a ring at all.
    EXPECT_NE(validityProblem(polygonOf({pathOf({{0, 0}, {10, 0}})})), "");
}

TEST(EditGeometryTest, ALineAcrossASquareSplitsItInTwoThatAddUp)
{
    const EditGeometry square = polygonOf({rect(0, 0, 100, 100)});
    const auto pieces = splitPolygon(square, pathOf({{-10, 30}, {110, 30}}));
    ASSERT_EQ(pieces.size(), 2u);
    EXPECT_DOUBLE_EQ(areaM2(pieces[0]), 7000); // largest first
    EXPECT_DOUBLE_EQ(areaM2(pieces[1]), 3000);
    for (const EditGeometry& piece : pieces) {
        EXPECT_EQ(piece.polygons.size(), 1u);
        EXPECT_EQ(validityProblem(piece), "");
    }

    // A slanted cut: the intersections are rounded, the areas still add up.
    const auto slanted = splitPolygon(square, pathOf({{-7.3, 11.1}, {113.7, 87.9}}));
    ASSERT_EQ(slanted.size(), 2u);
    EXPECT_NEAR(areaM2(slanted[0]) + areaM2(slanted[1]), 10000, 1e-6);
    EXPECT_EQ(validityProblem(slanted[0]), "");
    EXPECT_EQ(validityProblem(slanted[1]), "");
}

TEST(EditGeometryTest, ALineThatEndsInsideOrMissesDoesNotSplit)
{
    const EditGeometry square = polygonOf({rect(0, 0, 100, 100)});
    EXPECT_TRUE(splitPolygon(square, pathOf({{-10, 50}, {50, 50}})).empty());
    EXPECT_TRUE(splitPolygon(square, pathOf({{20, 20}, {80, 80}})).empty());
    EXPECT_TRUE(splitPolygon(square, pathOf({{-10, 150}, {110, 150}})).empty());
    EXPECT_TRUE(splitPolygon(square, pathOf({{-10, 50}})).empty());
    // Two parts apart: a line missing both leaves two faces but cuts nothing.
    EditGeometry twoParts = square;
    twoParts.polygons.push_back({{rect(200, 0, 300, 100)}});
    EXPECT_TRUE(splitPolygon(twoParts, pathOf({{-10, 150}, {310, 150}})).empty());
    const auto oneCut = splitPolygon(twoParts, pathOf({{150, 40}, {310, 40}}));
    ASSERT_EQ(oneCut.size(), 3u);
    EXPECT_DOUBLE_EQ(areaM2(oneCut[0]), 10000);
    EXPECT_DOUBLE_EQ(areaM2(oneCut[1]), 6000);
    EXPECT_DOUBLE_EQ(areaM2(oneCut[2]), 4000);
}

TEST(EditGeometryTest, SplittingKeepsHolesAndCutsThroughThem)
{
    const EditGeometry withHole = polygonOf({rect(0, 0, 100, 100), rect(40, 40, 60, 60)});
    ASSERT_DOUBLE_EQ(areaM2(withHole), 9600);
    // Through the hole: two pieces, neither with a hole, the hole's area in neither.
    const auto through = splitPolygon(withHole, pathOf({{-10, 50}, {110, 50}}));
    ASSERT_EQ(through.size(), 2u);
    for (const EditGeometry& piece : through) {
        EXPECT_EQ(piece.polygons.at(0).rings.size(), 1u);
        EXPECT_DOUBLE_EQ(areaM2(piece), 4800);
        EXPECT_EQ(validityProblem(piece), "");
    }
    // Beside the hole: the larger piece keeps it.
    const auto beside = splitPolygon(withHole, pathOf({{-10, 20}, {110, 20}}));
    ASSERT_EQ(beside.size(), 2u);
    EXPECT_EQ(beside[0].polygons.at(0).rings.size(), 2u);
    EXPECT_DOUBLE_EQ(areaM2(beside[0]), 7600);
    EXPECT_DOUBLE_EQ(areaM2(beside[1]), 2000);
}

TEST(EditGeometryTest, AZigZagLineCutsASquareIntoThree)
{
    const EditGeometry square = polygonOf({rect(0, 0, 100, 100)});
    const auto pieces = splitPolygon(square, pathOf({{-10, 10}, {110, 40}, {-10, 90}}));
    ASSERT_EQ(pieces.size(), 3u);
    double total = 0;
    for (const EditGeometry& piece : pieces) {
        EXPECT_EQ(validityProblem(piece), "");
        total += areaM2(piece);
    }
    EXPECT_NEAR(total, 10000, 1e-6);
    EXPECT_GE(areaM2(pieces[0]), areaM2(pieces[1]));
    EXPECT_GE(areaM2(pieces[1]), areaM2(pieces[2]));
}

TEST(EditGeometryTest, MergingAdjacentSquaresGivesOnePolygon)
{
    const std::vector<EditGeometry> adjacent = {polygonOf({rect(0, 0, 100, 100)}),
                                                polygonOf({rect(100, 0, 250, 100)})};
    std::string why = "stale";
    const auto merged = mergePolygons(adjacent, false, &why);
    ASSERT_TRUE(merged);
    EXPECT_EQ(why, "");
    ASSERT_EQ(merged->polygons.size(), 1u);
    EXPECT_EQ(merged->polygons[0].rings.size(), 1u);
    EXPECT_DOUBLE_EQ(areaM2(*merged), 25000);
    EXPECT_EQ(validityProblem(*merged), "");
    EXPECT_EQ(merged->toWkb().at(1), 3); // a Polygon, not a MultiPolygon
}

TEST(EditGeometryTest, MergingPolygonsApartIsRefusedUnlessMultiIsAllowed)
{
    const std::vector<EditGeometry> apart = {polygonOf({rect(0, 0, 100, 100)}),
                                             polygonOf({rect(200, 0, 300, 100)})};
    std::string why;
    EXPECT_FALSE(mergePolygons(apart, false, &why));
    EXPECT_NE(why.find("the union has 2 parts"), std::string::npos) << why;
    const auto multi = mergePolygons(apart, true, &why);
    ASSERT_TRUE(multi);
    EXPECT_EQ(multi->polygons.size(), 2u);
    EXPECT_DOUBLE_EQ(areaM2(*multi), 20000);
    EXPECT_FALSE(mergePolygons({}, true, &why));
    EXPECT_FALSE(why.empty());
}
