// Snapping and tracing (geo/edit/snapping.h), on hand-made layers and the sample parcels.

#include "geo/edit/snapping.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/model/envelope_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using namespace parkatlas::geo;

namespace {

const std::string kSample = PARKATLAS_SAMPLE_DIR;
constexpr double kX = 500000, kY = 3375000;

/// A store of one feature per path (polygon rings are closed, as a reader stores them).
GeometryStore storeOf(GeometryKind kind,
                      std::initializer_list<std::vector<std::pair<double, double>>> paths)
{
    GeometryStore store(kind);
    for (const auto& path : paths) {
        store.beginFeature();
        store.beginPart();
        store.beginRing();
        for (auto [x, y] : path)
            store.addVertex(kX + x, kY + y);
        if (kind == GeometryKind::Polygon)
            store.addVertex(kX + path.front().first, kY + path.front().second);
        store.endFeature();
    }
    return store;
}

EditPoint at(double x, double y)
{
    return {kX + x, kY + y};
}

std::size_t rowOfFid(const Layer& layer, std::int64_t fid)
{
    const auto it = std::find(layer.fids.begin(), layer.fids.end(), fid);
    EXPECT_NE(it, layer.fids.end()) << "no feature " << fid;
    return static_cast<std::size_t>(it - layer.fids.begin());
}

} // namespace

TEST(SnappingTest, AVertexWithinToleranceBeatsANearerSegment)
{
    const GeometryStore squares =
        storeOf(GeometryKind::Polygon, {{{0, 0}, {100, 0}, {100, 100}, {0, 100}}});
    const SnapLayer layers[] = {{&squares, nullptr, 7}};
    // 1 m from the bottom edge, 3.2 m from vertex 0.
    const SnapHit hit = snapPoint(layers, at(3, 1), 5);
    EXPECT_EQ(hit.kind, SnapHit::Kind::Vertex);
    EXPECT_EQ(hit.point, at(0, 0));
    EXPECT_EQ(hit.layer, 7);
    EXPECT_EQ(hit.vertex, 0u);
    EXPECT_DOUBLE_EQ(hit.distance, std::sqrt(10.0));

    const SnapHit segment = snapPoint(layers, at(3, 1), 5, {.vertices = false});
    EXPECT_EQ(segment.kind, SnapHit::Kind::Segment);
    EXPECT_EQ(segment.point, at(3, 0));
    EXPECT_EQ(segment.vertex, 0u);
    EXPECT_DOUBLE_EQ(segment.distance, 1);

    // Far from any vertex: the segment; the closing one (vertex 3 back to vertex 0) counts.
    const SnapHit closing = snapPoint(layers, at(-2, 50), 5);
    EXPECT_EQ(closing.kind, SnapHit::Kind::Segment);
    EXPECT_EQ(closing.vertex, 3u);
    EXPECT_EQ(closing.point, at(0, 50));
    EXPECT_FALSE(snapPoint(layers, at(-2, 50), 5, {.vertices = true, .segments = false}));
    EXPECT_FALSE(snapPoint(layers, at(50, 50), 5));
}

TEST(SnappingTest, TheNearestVertexOfAllLayersWins)
{
    const GeometryStore a = storeOf(GeometryKind::Polygon, {{{0, 0}, {10, 0}, {10, 10}}});
    const GeometryStore b = storeOf(GeometryKind::Line, {{{20, 20}, {12, 11}}, {{11, 9}, {30, 0}}});
    const SnapLayer layers[] = {{&a, nullptr, 0}, {&b, nullptr, 1}};
    const SnapHit hit = snapPoint(layers, at(11.2, 9.5), 3);
    EXPECT_EQ(hit.kind, SnapHit::Kind::Vertex);
    EXPECT_EQ(hit.layer, 1);
    EXPECT_EQ(hit.feature, 1u);
    EXPECT_EQ(hit.vertex, 0u);
    EXPECT_EQ(hit.point, at(11, 9));
}

TEST(SnappingTest, TheToleranceIsInclusive)
{
    const GeometryStore square =
        storeOf(GeometryKind::Polygon, {{{0, 0}, {100, 0}, {100, 100}, {0, 100}}});
    const SnapLayer layers[] = {{&square, nullptr, 0}};
    // 3-4-5 from the corner (0, 0), outside the square, so no segment is nearer.
    const SnapHit onTheCircle = snapPoint(layers, {kX - 3, kY - 4}, 5);
    EXPECT_EQ(onTheCircle.kind, SnapHit::Kind::Vertex);
    EXPECT_EQ(onTheCircle.distance, 5);
    EXPECT_FALSE(snapPoint(layers, {kX - 3, kY - 4.001}, 5));
}

TEST(SnappingTest, WithAnIndexTheAnswerIsTheSameAsWithout)
{
    IssueList issues;
    const Layer parcels = readLayer({kSample + "/park.gpkg", "parcels"}, {}, issues);
    const EnvelopeIndex index(parcels.geometry, [](std::size_t) { return true; });
    const SnapLayer indexed[] = {{&parcels.geometry, &index, 0}};
    const SnapLayer scanned[] = {{&parcels.geometry, nullptr, 0}};
    const Envelope extent = parcels.geometry.extent();
    std::mt19937 random(8);
    std::uniform_real_distribution<double> x(extent.minX, extent.maxX);
    std::uniform_real_distribution<double> y(extent.minY, extent.maxY);
    int vertices = 0, segments = 0;
    for (int i = 0; i < 3000; ++i) {
        // Half the probes next to a real vertex, so that vertex hits (and ties between the
        // parcels that share it) are tried too.
        EditPoint p{x(random), y(random)};
        if (i % 2 == 0) {
            const std::size_t f = static_cast<std::size_t>(i / 2) % parcels.featureCount();
            const RingView ring = parcels.geometry.ring(f, 0, 0);
            p = {ring.x(i % ring.vertexCount()) + 1.5, ring.y(i % ring.vertexCount()) - 0.5};
        }
        const SnapHit a = snapPoint(indexed, p, 4);
        const SnapHit b = snapPoint(scanned, p, 4);
        ASSERT_EQ(a.kind, b.kind) << i;
        EXPECT_EQ(a.feature, b.feature) << i;
        EXPECT_EQ(a.vertex, b.vertex) << i;
        EXPECT_EQ(a.point, b.point) << i;
        vertices += a.kind == SnapHit::Kind::Vertex;
        segments += a.kind == SnapHit::Kind::Segment;
    }
    EXPECT_GT(vertices, 1000);
    EXPECT_GT(segments, 10);
}

TEST(SnappingTest, TracingAlongASampleParcelTakesTheShorterWayRound)
{
    IssueList issues;
    const Layer parcels = readLayer({kSample + "/park.gpkg", "parcels"}, {}, issues);
    const GeometryStore& store = parcels.geometry;
    const std::size_t row = rowOfFid(parcels, 22); // QL2014-001, a plot with two cut corners
    const RingView ring = store.ring(row, 0, 0);
    ASSERT_EQ(ring.vertexCount(), 7u); // closed: six vertices
    auto vertex = [&](std::size_t i) { return EditPoint{ring.x(i), ring.y(i)}; };
    ASSERT_EQ(vertex(0), (EditPoint{498517, 3373255}));
    ASSERT_EQ(vertex(3), (EditPoint{498980, 3373488}));

    const SnapLayer layers[] = {{&store, nullptr, 3}};
    auto snap = [&](double x, double y) {
        const SnapHit hit = snapPoint(layers, {x, y}, 2);
        EXPECT_EQ(hit.feature, row) << x << " " << y;
        return hit;
    };
    // The first click on an edge only this plot has; the second, on its bottom edge, which
    // is the top edge of two neighbours too: snapPoint answers with a neighbour there, and
    // snapOnBoundaryOf keeps to the plot.
    const SnapHit corner = snap(498984.5, 3373484); // the cut corner, vertex 2 to 3
    const SnapHit top = snap(498600, 3373487);      // the top edge, vertex 3 to 4
    ASSERT_EQ(corner.kind, SnapHit::Kind::Segment);
    ASSERT_EQ(corner.vertex, 2u);
    ASSERT_EQ(top.vertex, 3u);
    const SnapHit neighbour = snapPoint(layers, {498900, 3373256}, 2);
    ASSERT_NE(neighbour.feature, row);
    EXPECT_TRUE(traceBetween(store, corner, neighbour).empty());
    const SnapHit bottomEast = snapOnBoundaryOf(store, corner, {498900, 3373256}, 2);
    const SnapHit bottomWest = snapOnBoundaryOf(store, top, {498600, 3373256}, 2);
    for (const SnapHit& hit : {bottomEast, bottomWest}) {
        ASSERT_EQ(hit.kind, SnapHit::Kind::Segment);
        EXPECT_EQ(hit.layer, 3);
        EXPECT_EQ(hit.feature, row);
        EXPECT_EQ(hit.vertex, 0u);
        EXPECT_DOUBLE_EQ(hit.distance, 1);
    }

    // Bottom edge near its east end to the cut corner: forward, over vertices 1 and 2.
    EXPECT_EQ(traceBetween(store, bottomEast, corner),
              (std::vector<EditPoint>{vertex(1), vertex(2)}));
    EXPECT_EQ(traceBetween(store, corner, bottomEast),
              (std::vector<EditPoint>{vertex(2), vertex(1)}));
    // Bottom edge near its west end to the top edge at the same easting: backward, across
    // vertex 0 (the other way would be 1 004 m instead of 394 m).
    EXPECT_EQ(traceBetween(store, bottomWest, top),
              (std::vector<EditPoint>{vertex(0), vertex(5), vertex(4)}));
    EXPECT_EQ(traceBetween(store, top, bottomWest),
              (std::vector<EditPoint>{vertex(4), vertex(5), vertex(0)}));

    // Vertex to vertex.
    const SnapHit v0 = snapOnBoundaryOf(store, top, {498517.5, 3373255.5}, 2);
    const SnapHit v2 = snap(498988, 3373479);
    ASSERT_EQ(v0.kind, SnapHit::Kind::Vertex);
    ASSERT_EQ(v2.kind, SnapHit::Kind::Vertex);
    EXPECT_EQ(traceBetween(store, v0, v2), (std::vector<EditPoint>{vertex(1)}));
    EXPECT_TRUE(traceBetween(store, v2, corner).empty()); // next to each other

    // Nothing between two points of one segment, nor without a hit.
    EXPECT_TRUE(traceBetween(store, bottomEast, bottomWest).empty());
    EXPECT_TRUE(traceBetween(store, SnapHit{}, top).empty());
    EXPECT_FALSE(snapOnBoundaryOf(store, top, {498600, 3373300}, 2));
}

TEST(SnappingTest, TracingAlongALineGoesTheOnlyWayThereIs)
{
    const GeometryStore roads = storeOf(
        GeometryKind::Line, {{{0, 0}, {100, 0}, {100, 100}, {200, 100}, {200, 0}, {150, 0}}});
    const SnapLayer layers[] = {{&roads, nullptr, 0}};
    const SnapHit start = snapPoint(layers, at(10, 1), 2);
    const SnapHit end = snapPoint(layers, at(170, 1), 2);
    ASSERT_EQ(start.kind, SnapHit::Kind::Segment);
    ASSERT_EQ(end.kind, SnapHit::Kind::Segment);
    ASSERT_EQ(end.vertex, 4u);
    // Along the line, though a straight jump between them would be far shorter.
    const std::vector<EditPoint> forward = {at(100, 0), at(100, 100), at(200, 100), at(200, 0)};
    EXPECT_EQ(traceBetween(roads, start, end), forward);
    EXPECT_EQ(traceBetween(roads, end, start),
              std::vector<EditPoint>(forward.rbegin(), forward.rend()));
    const SnapHit lastVertex = snapPoint(layers, at(151, 0), 2);
    ASSERT_EQ(lastVertex.kind, SnapHit::Kind::Vertex);
    EXPECT_TRUE(traceBetween(roads, end, lastVertex).empty());
    EXPECT_EQ(traceBetween(roads, lastVertex, snapPoint(layers, at(201, 99), 2)),
              (std::vector<EditPoint>{at(200, 0)}));
    EXPECT_TRUE(traceBetween(roads, start, snapPoint(layers, at(50, 1), 2)).empty());
}
